#include "healthchecker.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

namespace vigil {

HealthChecker::HealthChecker(QObject* parent)
    : QObject(parent)
    , m_nam(new QNetworkAccessManager(this))
{
}

HealthChecker::~HealthChecker()
{
    stop();
}

void HealthChecker::start(const QStringList& urls)
{
    stop();
    for (const QString& url : urls) {
        auto* p = new Probe;
        p->status.url = url;
        p->timer = new QTimer(this);
        p->timer->setSingleShot(true);
        const int index = int(m_probes.size());
        connect(p->timer, &QTimer::timeout, this, [this, index] { send(index); });
        m_probes.append(p);
        send(index);
    }
}

void HealthChecker::stop()
{
    ++m_generation; // answers of aborted requests are ignored
    for (Probe* p : std::as_const(m_probes)) {
        delete p->timer;
        if (p->reply) {
            p->reply->abort();
            p->reply->deleteLater();
        }
        delete p;
    }
    m_probes.clear();
}

QList<HealthStatus> HealthChecker::statuses() const
{
    QList<HealthStatus> out;
    for (const Probe* p : m_probes)
        out.append(p->status);
    return out;
}

const TimeSeries* HealthChecker::responseTimes(const QString& url) const
{
    for (const Probe* p : m_probes)
        if (p->status.url == url)
            return &p->times;
    return nullptr;
}

void HealthChecker::send(int index)
{
    Probe* p = m_probes.value(index);
    if (!p)
        return;
    const QUrl url = QUrl::fromUserInput(p->status.url);
    QNetworkRequest request(url);
    // The timeout aborts the request (OperationCanceledError), so a hung server reads as down.
    request.setTransferTimeout(m_timeoutMs);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::NoLessSafeRedirectPolicy);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    request.setHeader(QNetworkRequest::UserAgentHeader, QStringLiteral("vigil"));
    p->clock.start();
    p->reply = m_nam->get(request);
    const quint64 generation = m_generation;
    connect(p->reply, &QNetworkReply::finished, this, [this, index, generation] { finished(index, generation); });
}

void HealthChecker::finished(int index, quint64 generation)
{
    if (generation != m_generation)
        return;
    Probe* p = m_probes.value(index);
    if (!p || !p->reply)
        return;
    QNetworkReply* reply = p->reply;
    p->reply = nullptr;
    reply->deleteLater();
    HealthStatus& s = p->status;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const bool wasUp = s.checked && s.up;
    s.checked = true;
    s.checkedAt = now;
    s.responseMs = double(p->clock.nsecsElapsed()) / 1e6;
    s.statusCode = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    s.up = reply->error() == QNetworkReply::NoError && s.statusCode >= 200 && s.statusCode < 300;
    if (s.up) {
        s.error.clear();
        s.downSince = QDateTime();
        if (!wasUp)
            s.upSince = now;
        p->times.append(now.toMSecsSinceEpoch(), s.responseMs);
    } else {
        if (reply->error() == QNetworkReply::OperationCanceledError)
            s.error = tr("no answer within %1 ms").arg(m_timeoutMs);
        else if (s.statusCode > 0)
            s.error = tr("HTTP %1 %2")
                          .arg(s.statusCode)
                          .arg(reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString());
        else
            s.error = reply->errorString();
        if (!s.downSince.isValid())
            s.downSince = now;
        s.upSince = QDateTime();
    }
    p->timer->start(m_periodMs);
    Q_EMIT updated(s.url);
}

} // namespace vigil
