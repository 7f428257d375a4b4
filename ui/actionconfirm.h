#pragma once

#include "connect/profile.h"

#include <QDialog>

class QLineEdit;
class QPushButton;

namespace vigil::ui {

// The confirmation before anything that changes a server: what will run (the exact SQL or
// command), where, and for a production profile a field where the profile name must be typed
// before the button enables. Read-only profiles never get here (the gate refuses first).
class ActionConfirmDialog : public QDialog
{
    Q_OBJECT
public:
    ActionConfirmDialog(const Profile& profile, const QString& title, const QString& what, const QString& command,
                        QWidget* parent = nullptr);

    bool typedNameConfirmed() const;
    QLineEdit* typedName() const { return m_typed; }
    QPushButton* runButton() const { return m_run; }

private:
    Profile m_profile;
    QLineEdit* m_typed = nullptr;
    QPushButton* m_run;
};

// Gate + confirmation in one call, for the GUI thread: returns false when the profile refuses
// the action (its reason shown in `refusal`) or the operator says no.
bool confirmAction(QWidget* parent, const Profile& profile, const QString& action, const QString& title,
                   const QString& what, const QString& command, bool* typedNameConfirmed, QString* refusal);

} // namespace vigil::ui
