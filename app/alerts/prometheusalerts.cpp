#include "prometheusalerts.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>

namespace vigil::alerts {

namespace {
Severity severityOf(const QString& label)
{
    const QString l = label.toLower();
    if (l == QLatin1String("critical") || l == QLatin1String("page") || l == QLatin1String("error"))
        return Severity::Critical;
    if (l == QLatin1String("info") || l == QLatin1String("none"))
        return Severity::Info;
    return Severity::Warning;
}
} // namespace

QUrl prometheusAlertsUrl(const QString& base)
{
    QString s = base.trimmed();
    if (s.isEmpty())
        return {};
    if (!s.contains(QLatin1String("://")))
        s.prepend(QLatin1String("http://"));
    while (s.endsWith(QLatin1Char('/')))
        s.chop(1);
    if (!s.endsWith(QLatin1String("/api/v1/alerts")))
        s += QLatin1String("/api/v1/alerts");
    return QUrl(s);
}

bool parsePrometheusAlerts(const QByteArray& body, QList<Alert>* alerts, QString* error)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
        *error = QStringLiteral("not a Prometheus API answer (%1)").arg(pe.errorString());
        return false;
    }
    const QJsonObject root = doc.object();
    if (root.value("status").toString() != QLatin1String("success")) {
        *error = QStringLiteral("Prometheus answered %1: %2")
                     .arg(root.value("errorType").toString(), root.value("error").toString());
        return false;
    }
    QList<Alert> out;
    for (const QJsonValue& v : root.value("data").toObject().value("alerts").toArray()) {
        const QJsonObject o = v.toObject();
        Alert a;
        a.source = QStringLiteral("prometheus");
        const QJsonObject labels = o.value("labels").toObject();
        for (auto it = labels.begin(); it != labels.end(); ++it)
            a.labels.insert(it.key(), it.value().toString());
        const QJsonObject annotations = o.value("annotations").toObject();
        for (auto it = annotations.begin(); it != annotations.end(); ++it)
            a.annotations.insert(it.key(), it.value().toString());
        a.ruleId = a.labels.value(QStringLiteral("alertname"));
        a.name = a.ruleId;
        QStringList subject;
        for (auto it = a.labels.cbegin(); it != a.labels.cend(); ++it) // QMap: sorted, so the key is stable
            if (it.key() != QLatin1String("alertname") && it.key() != QLatin1String("severity"))
                subject << it.key() + QLatin1Char('=') + it.value();
        a.subject = subject.join(QStringLiteral(", "));
        a.key = AlertEngine::keyFor(a.source, a.ruleId, a.subject);
        a.severity = severityOf(a.labels.value(QStringLiteral("severity")));
        const QString state = o.value("state").toString();
        if (state == QLatin1String("firing"))
            a.state = AlertState::Firing;
        else if (state == QLatin1String("pending"))
            a.state = AlertState::Pending;
        else
            continue; // "inactive" alerts are not listed by Prometheus; anything else is not an alert
        a.pendingSince = QDateTime::fromString(o.value("activeAt").toString(), Qt::ISODateWithMs).toUTC();
        // Prometheus sends the value as a string ("8.5e+01").
        a.value = o.value("value").isString() ? o.value("value").toString().toDouble() : o.value("value").toDouble();
        a.detail = a.annotations.value(QStringLiteral("description"), a.annotations.value(QStringLiteral("summary")));
        a.description = a.annotations.value(QStringLiteral("summary"));
        a.condition = QStringLiteral("Prometheus rule");
        out << a;
    }
    *alerts = out;
    return true;
}

PrometheusAlertSource::PrometheusAlertSource(QObject* parent)
    : QObject(parent)
    , m_nam(new QNetworkAccessManager(this))
    , m_timer(new QTimer(this))
{
    qRegisterMetaType<QList<vigil::alerts::Alert>>();
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &PrometheusAlertSource::fetch);
}

PrometheusAlertSource::~PrometheusAlertSource()
{
    stop();
}

void PrometheusAlertSource::start(const QString& baseUrl)
{
    stop();
    m_url = prometheusAlertsUrl(baseUrl);
    if (m_url.isValid())
        fetch();
}

void PrometheusAlertSource::stop()
{
    ++m_generation;
    m_timer->stop();
    m_url = QUrl();
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
    }
    m_reply = nullptr;
}

void PrometheusAlertSource::fetch()
{
    if (!m_url.isValid() || m_reply)
        return;
    QNetworkRequest request(m_url);
    request.setTransferTimeout(m_timeoutMs);
    request.setRawHeader("Accept", "application/json");
    request.setHeader(QNetworkRequest::UserAgentHeader, QStringLiteral("vigil"));
    m_reply = m_nam->get(request);
    const quint64 generation = m_generation;
    QNetworkReply* reply = m_reply;
    connect(reply, &QNetworkReply::finished, this, [this, reply, generation] {
        reply->deleteLater();
        if (generation != m_generation)
            return;
        m_reply = nullptr;
        onFinished(reply);
        m_timer->start(m_periodMs);
    });
}

void PrometheusAlertSource::onFinished(QNetworkReply* reply)
{
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    QString error;
    QList<Alert> alerts;
    if (reply->error() != QNetworkReply::NoError && status == 0)
        error = reply->errorString();
    else if (status != 200)
        error = QStringLiteral("HTTP %1 from %2").arg(status).arg(m_url.toString());
    else if (!parsePrometheusAlerts(reply->readAll(), &alerts, &error))
        error = QStringLiteral("%1: %2").arg(m_url.toString(), error);
    m_lastError = error;
    if (!error.isEmpty())
        Q_EMIT failed(error);
    else
        Q_EMIT alertsFetched(alerts);
}

} // namespace vigil::alerts
