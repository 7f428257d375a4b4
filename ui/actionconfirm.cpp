#include "actionconfirm.h"

#include "actions/actiongate.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace vigil::ui {

ActionConfirmDialog::ActionConfirmDialog(const Profile& profile, const QString& title, const QString& what,
                                         const QString& command, QWidget* parent)
    : QDialog(parent)
    , m_profile(profile)
{
    setWindowTitle(title);
    auto* layout = new QVBoxLayout(this);
    auto* label = new QLabel(what, this);
    label->setWordWrap(true);
    layout->addWidget(label);
    auto* sql = new QPlainTextEdit(command, this);
    sql->setReadOnly(true);
    sql->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    sql->setMaximumHeight(120);
    sql->setToolTip(tr("Exactly what Vigil will send; it is also written to the audit log"));
    layout->addWidget(sql);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_run = buttons->addButton(tr("Run"), QDialogButtonBox::AcceptRole);
    if (profile.production) {
        auto* warn = new QLabel(
            tr("<b>%1 is a production profile.</b> Type its name to enable Run.").arg(profile.name.toHtmlEscaped()),
            this);
        layout->addWidget(warn);
        m_typed = new QLineEdit(this);
        m_typed->setPlaceholderText(profile.name);
        layout->addWidget(m_typed);
        m_run->setEnabled(false);
        connect(m_typed, &QLineEdit::textChanged, this,
                [this] { m_run->setEnabled(actions::confirmTypedName(m_profile, m_typed->text())); });
    }
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    buttons->button(QDialogButtonBox::Cancel)->setDefault(true); // Enter must not run it by accident
}

bool ActionConfirmDialog::typedNameConfirmed() const
{
    return m_typed && actions::confirmTypedName(m_profile, m_typed->text());
}

bool confirmAction(QWidget* parent, const Profile& profile, const QString& action, const QString& title,
                   const QString& what, const QString& command, bool* typedNameConfirmed, QString* refusal)
{
    const actions::GateDecision gate = actions::gate(profile, action);
    if (!gate.allowed && !gate.needsTypedName) {
        *refusal = gate.reason;
        return false;
    }
    ActionConfirmDialog dialog(profile, title, what, command, parent);
    if (dialog.exec() != QDialog::Accepted)
        return false;
    *typedNameConfirmed = dialog.typedNameConfirmed();
    return true;
}

} // namespace vigil::ui
