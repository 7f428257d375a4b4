#pragma once

#include <QByteArray>
#include <QStringList>
#include <QTcpServer>

namespace vigil::test {

// A tiny HTTP server standing in for Prometheus: answers GET /api/v1/alerts with `body` (the
// JSON shape of Prometheus's HTTP API) and 404 for anything else; one request per connection.
class FakePrometheus : public QTcpServer
{
    Q_OBJECT
public:
    explicit FakePrometheus(QObject* parent = nullptr);
    bool start(); // 127.0.0.1, a free port
    QString url() const;
    void setBody(const QByteArray& body) { m_body = body; }
    QStringList requests() const { return m_requests; } // request lines seen ("GET /api/v1/alerts HTTP/1.1")

    // Two alerts of the team's own rules as Prometheus 2.x returns them: HighCPUUsage firing,
    // MaxDrawdownExceeded pending (activeAt with nanoseconds and value as a string, as it sends them).
    static QByteArray recordedAnswer();

private:
    QByteArray m_body;
    QStringList m_requests;
};

} // namespace vigil::test
