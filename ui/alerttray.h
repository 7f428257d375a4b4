#pragma once

#include "alerts/alertengine.h"

#include <QDateTime>
#include <QObject>

class QSystemTrayIcon;
class QTimer;

namespace vigil::alerts {
class AlertMonitor;
}

namespace vigil::ui {

// The tray icon (only where a system tray exists) with the firing count in its tooltip, and a
// desktop notification when an alert fires. Notifications are throttled: at most one message per
// kMinGapMs; alerts firing meanwhile are summed into the next one. Silenced, acknowledged and
// flapping alerts never notify (AlertEngine::shouldNotify decides; AlertMonitor::notify).
class AlertTray : public QObject
{
    Q_OBJECT
public:
    explicit AlertTray(alerts::AlertMonitor* monitor, QObject* parent = nullptr);
    ~AlertTray() override;

    bool hasTrayIcon() const { return m_icon != nullptr; }
    QString toolTip() const { return m_toolTip; }
    int messagesShown() const { return m_shown; }
    void setMinGapMs(int ms) { m_minGapMs = ms; }

    static constexpr int kMinGapMs = 30000;

Q_SIGNALS:
    // Emitted for every message, shown or not (no tray): tests and logs see the same text.
    void messageShown(const QString& title, const QString& body);
    // The tray icon was clicked: bring the Alerts tab forward.
    void activated();

private:
    void onNotify(const alerts::Alert& alert);
    void flush();
    void updateToolTip();

    alerts::AlertMonitor* m_monitor;
    QSystemTrayIcon* m_icon = nullptr;
    QTimer* m_flush;
    QList<alerts::Alert> m_queued;
    QDateTime m_lastShown;
    QString m_toolTip;
    int m_shown = 0;
    int m_minGapMs = kMinGapMs;
};

} // namespace vigil::ui
