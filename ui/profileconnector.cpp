#include "profileconnector.h"

#include "connect/profilestore.h"

#include <QInputDialog>
#include <QLineEdit>

namespace vigil::ui {

ProfileConnector::ProfileConnector(QWidget* dialogParent, QObject* parent)
    : QObject(parent)
    , m_dialogParent(dialogParent)
{
    connect(&m_secrets, &SecretStore::readFinished, this, &ProfileConnector::onRead);
}

void ProfileConnector::connectProfile(const QString& name)
{
    const auto p = ProfileStore().load(name);
    if (!p) {
        Q_EMIT failed(tr("No profile named \"%1\". Create it with Profiles….").arg(name));
        return;
    }
    m_profile = *p;
    m_passwords.clear();
    m_unavailable.clear();
    m_pending = m_profile.secretNodes();
    if (m_pending.isEmpty()) {
        finish();
        return;
    }
    for (const QString& node : std::as_const(m_pending))
        m_secrets.read(m_profile.name, node);
}

void ProfileConnector::onRead(const QString& profile, const QString& node, SecretStore::Status status,
                              const QString& secret, const QString& message)
{
    if (profile != m_profile.name || !m_pending.contains(node))
        return; // an answer for an earlier request
    m_pending.removeAll(node);
    if (status == SecretStore::Status::Ok)
        m_passwords.insert(node, secret);
    else if (status == SecretStore::Status::Unavailable)
        m_unavailable = message;
    if (m_pending.isEmpty())
        finish();
}

void ProfileConnector::finish()
{
    if (!m_unavailable.isEmpty()) {
        Q_EMIT notice(
            tr("%1 — Vigil asks for passwords each time instead and keeps them in memory only.").arg(m_unavailable));
        for (const QString& node : m_profile.secretNodes()) {
            bool ok = false;
            const QString pw = QInputDialog::getText(
                m_dialogParent, tr("Password for %1 / %2").arg(m_profile.name, node),
                tr("The OS keychain is unavailable (%1), so the stored password cannot be read.\n"
                   "Enter the password for %2 for this session only, or leave it empty to rely on .pgpass, "
                   "trust or peer authentication.")
                    .arg(m_unavailable, node),
                QLineEdit::Password, {}, &ok);
            if (!ok) {
                Q_EMIT failed(tr("Connection to %1 cancelled.").arg(m_profile.name));
                return;
            }
            if (!pw.isEmpty())
                m_passwords.insert(node, pw);
        }
    }
    Q_EMIT ready(m_profile, m_passwords);
}

} // namespace vigil::ui
