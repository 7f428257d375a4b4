#pragma once

#include "timeseries.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QPointer>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;
class QTimer;

namespace vigil {

// The latest check of one health URL.
struct HealthStatus
{
    QString url;
    bool checked = false; // false until the first answer (or timeout)
    bool up = false; // a 2xx answer within the timeout
    int statusCode = 0; // HTTP status; 0 when none came back
    double responseMs = -1; // time to the complete answer (or to the failure)
    QString error; // why it is down, in words
    QDateTime checkedAt;
    QDateTime downSince; // invalid while up
    QDateTime upSince;
    bool operator==(const HealthStatus&) const = default;
};

// Polls the profile's health URLs (the application servers behind the load balancer) with HTTP
// GET. QNetworkAccessManager is asynchronous, so this lives on the GUI thread without ever
// blocking it. Per URL one request in flight: the next is armed (single shot) only after the
// answer or the timeout, so a slow server never gets requests stacked up.
class HealthChecker : public QObject
{
    Q_OBJECT
public:
    explicit HealthChecker(QObject* parent = nullptr);
    ~HealthChecker() override;

    void start(const QStringList& urls);
    void stop();
    void setPeriodMs(int ms) { m_periodMs = std::max(100, ms); }
    void setTimeoutMs(int ms) { m_timeoutMs = std::max(100, ms); }
    int periodMs() const { return m_periodMs; }
    int timeoutMs() const { return m_timeoutMs; }

    QList<HealthStatus> statuses() const;
    const TimeSeries* responseTimes(const QString& url) const;

    static constexpr int kPeriodMs = 5000;
    static constexpr int kTimeoutMs = 3000;

Q_SIGNALS:
    void updated(const QString& url);

private:
    struct Probe
    {
        HealthStatus status;
        TimeSeries times {720}; // an hour at the default period
        QPointer<QNetworkReply> reply;
        QTimer* timer = nullptr;
        QElapsedTimer clock;
    };
    void send(int index);
    void finished(int index, quint64 generation);

    QNetworkAccessManager* m_nam;
    QList<Probe*> m_probes;
    quint64 m_generation = 0;
    int m_periodMs = kPeriodMs;
    int m_timeoutMs = kTimeoutMs;
};

} // namespace vigil

Q_DECLARE_METATYPE(vigil::HealthStatus)
