#include "secretstore.h"

#include <QEventLoop>
#include <QTimer>
#include <qt6keychain/keychain.h>

namespace vigil {

namespace {
// Every QtKeychain error except "no such entry" means the same thing to the operator: the
// secret cannot be kept there now (no Secret Service on the bus, no bus at all, a locked
// collection, access refused). Vigil then asks for the password, so one status is enough;
// the keychain's own words go into the message.
SecretStore::Status classify(QKeychain::Error error)
{
    switch (error) {
    case QKeychain::NoError:
        return SecretStore::Status::Ok;
    case QKeychain::EntryNotFound:
        return SecretStore::Status::NotFound;
    default:
        return SecretStore::Status::Unavailable;
    }
}

QString describe(QKeychain::Job* job)
{
    switch (job->error()) {
    case QKeychain::NoError:
        return {};
    case QKeychain::EntryNotFound:
        return QStringLiteral("no password stored for %1").arg(job->key());
    default: {
        QString why = job->errorString().trimmed();
        if (why.isEmpty())
            why = QStringLiteral("QtKeychain error %1").arg(int(job->error()));
        return QStringLiteral("keychain unavailable: %1").arg(why);
    }
    }
}

template <typename JobT> JobT* makeJob(const QString& key, QObject* parent)
{
    auto* job = new JobT(SecretStore::kService, parent);
    job->setKey(key);
    job->setAutoDelete(true);
    // QtKeychain would otherwise be allowed to fall back to a plaintext file when no keychain
    // is reachable; a secret must never land on disk in the clear.
    job->setInsecureFallback(false);
    return job;
}

// Runs an already configured job to completion in a local event loop, or gives up after
// timeoutMs (the job then finishes into nothing: its receiver context is gone).
SecretStore::Status runBlocking(QKeychain::Job* job, int timeoutMs, QString* message, QString* secret)
{
    QEventLoop loop;
    bool done = false;
    SecretStore::Status status = SecretStore::Status::Unavailable;
    QObject::connect(job, &QKeychain::Job::finished, &loop, [&](QKeychain::Job* j) {
        done = true;
        status = classify(j->error());
        if (message)
            *message = describe(j);
        if (secret && status == SecretStore::Status::Ok)
            if (auto* read = qobject_cast<QKeychain::ReadPasswordJob*>(j))
                *secret = read->textData();
        loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    job->start();
    if (!done)
        loop.exec();
    if (!done && message)
        *message = QStringLiteral("keychain unavailable: no answer from the Secret Service within %1 s")
                       .arg(timeoutMs / 1000.0);
    return status;
}
} // namespace

SecretStore::SecretStore(QObject* parent)
    : QObject(parent)
{
}

QString SecretStore::key(const QString& profile, const QString& node)
{
    return profile + QLatin1Char('/') + node;
}

void SecretStore::read(const QString& profile, const QString& node)
{
    auto* job = makeJob<QKeychain::ReadPasswordJob>(key(profile, node), this);
    connect(job, &QKeychain::Job::finished, this, [this, profile, node](QKeychain::Job* j) {
        const Status status = classify(j->error());
        const QString secret
            = status == Status::Ok ? static_cast<QKeychain::ReadPasswordJob*>(j)->textData() : QString();
        emit readFinished(profile, node, status, secret, describe(j));
    });
    job->start();
}

void SecretStore::write(const QString& profile, const QString& node, const QString& secret)
{
    auto* job = makeJob<QKeychain::WritePasswordJob>(key(profile, node), this);
    job->setTextData(secret);
    connect(job, &QKeychain::Job::finished, this, [this, profile, node](QKeychain::Job* j) {
        emit writeFinished(profile, node, classify(j->error()), describe(j));
    });
    job->start();
}

void SecretStore::remove(const QString& profile, const QString& node)
{
    auto* job = makeJob<QKeychain::DeletePasswordJob>(key(profile, node), this);
    connect(job, &QKeychain::Job::finished, this, [this, profile, node](QKeychain::Job* j) {
        Status status = classify(j->error());
        if (status == Status::NotFound)
            status = Status::Ok;
        emit removeFinished(profile, node, status, status == Status::Ok ? QString() : describe(j));
    });
    job->start();
}

SecretStore::Status SecretStore::readBlocking(const QString& profile, const QString& node, QString* secret,
                                              QString* message, int timeoutMs)
{
    if (secret)
        secret->clear();
    return runBlocking(makeJob<QKeychain::ReadPasswordJob>(key(profile, node), nullptr), timeoutMs, message, secret);
}

SecretStore::Status SecretStore::writeBlocking(const QString& profile, const QString& node, const QString& secret,
                                               QString* message, int timeoutMs)
{
    auto* job = makeJob<QKeychain::WritePasswordJob>(key(profile, node), nullptr);
    job->setTextData(secret);
    return runBlocking(job, timeoutMs, message, nullptr);
}

SecretStore::Status SecretStore::removeBlocking(const QString& profile, const QString& node, QString* message,
                                                int timeoutMs)
{
    QString msg;
    Status status
        = runBlocking(makeJob<QKeychain::DeletePasswordJob>(key(profile, node), nullptr), timeoutMs, &msg, nullptr);
    if (status == Status::NotFound) {
        status = Status::Ok;
        msg.clear();
    }
    if (message)
        *message = msg;
    return status;
}

} // namespace vigil
