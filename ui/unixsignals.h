#pragma once

#include <QObject>

class QSocketNotifier;

namespace vigil::ui {

// Turns SIGTERM, SIGINT and SIGHUP into a Qt signal on the GUI thread (self-pipe trick), so a
// `kill` or Ctrl+C in the terminal shuts down as cleanly as closing the window.
class UnixSignals : public QObject
{
    Q_OBJECT
public:
    explicit UnixSignals(QObject* parent = nullptr);
    ~UnixSignals() override;

Q_SIGNALS:
    void terminateRequested(int signal);

private:
    QSocketNotifier* m_notifier = nullptr;
};

} // namespace vigil::ui
