#pragma once

#include "connect/profile.h"
#include "connect/secretstore.h"

#include <QHash>
#include <QObject>
#include <QPointer>

class QWidget;

namespace vigil::ui {

// Turns "connect to profile NAME" into a profile plus its passwords without blocking the GUI
// thread: the keychain is read asynchronously; when it is unavailable the operator is asked for
// each password (kept in memory for this session only) and told why.
class ProfileConnector : public QObject
{
    Q_OBJECT
public:
    explicit ProfileConnector(QWidget* dialogParent, QObject* parent = nullptr);

    void connectProfile(const QString& name);

Q_SIGNALS:
    void ready(const vigil::Profile& profile, const QHash<QString, QString>& passwords);
    void failed(const QString& message);
    void notice(const QString& message);

private:
    void onRead(const QString& profile, const QString& node, vigil::SecretStore::Status status, const QString& secret,
                const QString& message);
    void finish();

    QPointer<QWidget> m_dialogParent;
    SecretStore m_secrets;
    Profile m_profile;
    QStringList m_pending;
    QHash<QString, QString> m_passwords;
    QString m_unavailable;
};

} // namespace vigil::ui
