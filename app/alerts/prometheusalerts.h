#pragma once

#include "alertengine.h"

#include <QObject>
#include <QPointer>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;
class QTimer;

namespace vigil::alerts {

// The alerts of a Prometheus server's HTTP API (GET /api/v1/alerts), as engine alerts of source
// "prometheus": the team's own rules (CPU, memory, trade failure rate, drawdown, API quota) are
// shown beside Vigil's without being re-implemented. Key: the alert name and its labels.
bool parsePrometheusAlerts(const QByteArray& body, QList<Alert>* alerts, QString* error);

// "http://prom:9090" or ".../api/v1/alerts" -> the alerts endpoint.
QUrl prometheusAlertsUrl(const QString& base);

// Polls one Prometheus server on the GUI thread (QNetworkAccessManager is asynchronous): one
// request in flight, the next armed only after the answer or the timeout.
class PrometheusAlertSource : public QObject
{
    Q_OBJECT
public:
    explicit PrometheusAlertSource(QObject* parent = nullptr);
    ~PrometheusAlertSource() override;

    void start(const QString& baseUrl);
    void stop();
    bool isActive() const { return m_url.isValid(); }
    void setPeriodMs(int ms) { m_periodMs = std::max(100, ms); }
    void setTimeoutMs(int ms) { m_timeoutMs = std::max(100, ms); }
    QString lastError() const { return m_lastError; }

    static constexpr int kPeriodMs = 15000;
    static constexpr int kTimeoutMs = 5000;

Q_SIGNALS:
    void alertsFetched(const QList<vigil::alerts::Alert>& alerts);
    void failed(const QString& error);

private:
    void fetch();
    void onFinished(QNetworkReply* reply);

    QNetworkAccessManager* m_nam;
    QTimer* m_timer;
    QUrl m_url;
    QPointer<QNetworkReply> m_reply;
    quint64 m_generation = 0;
    int m_periodMs = kPeriodMs;
    int m_timeoutMs = kTimeoutMs;
    QString m_lastError;
};

} // namespace vigil::alerts
