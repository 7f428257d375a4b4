#include "fakeprometheus.h"

#include <QHostAddress>
#include <QTcpSocket>

namespace vigil::test {

FakePrometheus::FakePrometheus(QObject* parent)
    : QTcpServer(parent)
    , m_body(recordedAnswer())
{
    connect(this, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket* s = nextPendingConnection()) {
            connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            connect(s, &QTcpSocket::readyRead, s, [this, s] {
                QByteArray request = s->property("request").toByteArray() + s->readAll();
                s->setProperty("request", request);
                if (!request.contains("\r\n\r\n"))
                    return;
                const QByteArray line = request.left(request.indexOf("\r\n"));
                m_requests << QString::fromLatin1(line);
                const bool ok = line.startsWith("GET /api/v1/alerts ");
                const QByteArray body = ok ? m_body : QByteArray("404 page not found\n");
                s->write((ok ? "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                             : "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\n")
                         + QByteArray("Content-Length: ") + QByteArray::number(body.size())
                         + "\r\nConnection: close\r\n\r\n" + body);
                s->disconnectFromHost();
            });
        }
    });
}

bool FakePrometheus::start()
{
    return listen(QHostAddress::LocalHost, 0);
}

QString FakePrometheus::url() const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(serverPort());
}

QByteArray FakePrometheus::recordedAnswer()
{
    return R"({"status":"success","data":{"alerts":[{"labels":{"alertname":"HighCPUUsage","instance":"app1:9100",)"
           R"("job":"node","severity":"warning"},"annotations":{"description":"CPU usage is 91.5%",)"
           R"("summary":"High CPU usage detected"},"state":"firing","activeAt":"2026-11-27T09:55:12.60602144Z",)"
           R"("value":"9.15e+01"},{"labels":{"alertname":"MaxDrawdownExceeded","severity":"critical"},)"
           R"("annotations":{"description":"Current drawdown is 10.4%","summary":"Maximum drawdown exceeded"},)"
           R"("state":"pending","activeAt":"2026-11-27T09:59:30.1Z",)"
           R"("value":"1.04e+01"}]}})";
}

} // namespace vigil::test
