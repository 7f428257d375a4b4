#include "healthserver.h"

#include "processes.h"
#include "state.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTcpSocket>
#include <QThread>

namespace vigil::sandbox::healthserver {

namespace {
const QString kPython = QStringLiteral("/usr/bin/python3");
const QString kSetpriv = QStringLiteral("/usr/bin/setpriv");
} // namespace

bool available()
{
    return QFileInfo(kPython).isExecutable() && (!proc::isRoot() || QFileInfo(kSetpriv).isExecutable());
}

QString url(int port)
{
    return QStringLiteral("http://127.0.0.1:%1/health").arg(port);
}

QString pidFile(const State& s)
{
    return s.path(QString::fromLatin1(kComponent)) + QStringLiteral("/http.pid");
}

bool start(const State& s, QString* error)
{
    const QString dir = s.path(QString::fromLatin1(kComponent));
    const QString www = dir + QStringLiteral("/www");
    if (!QDir().mkpath(www)) {
        *error = QStringLiteral("could not create %1").arg(www);
        return false;
    }
    QFile health(www + QStringLiteral("/health"));
    if (!health.open(QIODevice::WriteOnly) || health.write("ok\n") < 0) {
        *error = QStringLiteral("could not write %1: %2").arg(health.fileName(), health.errorString());
        return false;
    }
    health.close();
    if (!proc::handOver(dir, error))
        return false;

    QProcess p;
    // `python3 -m http.server` serves one request at a time with a listen backlog of 5: under a
    // load test (Locust, 20 users) the queue overflows and requests wait for the client's 1 s
    // SYN retry. A threading server with a deeper backlog answers like a small application.
    const QString script
        = QStringLiteral("import functools, http.server, sys\n"
                         "class Server(http.server.ThreadingHTTPServer):\n"
                         "    request_queue_size = 256\n"
                         "handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[2])\n"
                         "Server(('127.0.0.1', int(sys.argv[1])), handler).serve_forever()\n");
    QStringList args {QStringLiteral("-c"), script, QString::number(s.healthPort), www};
    QString program = kPython;
    if (proc::isRoot()) {
        // setpriv execs python itself, so the PID we get is the server's (runuser would stay its parent).
        args = QStringList {QStringLiteral("--reuid=") + QString::fromLatin1(proc::kServerUser),
                            QStringLiteral("--regid=") + QString::fromLatin1(proc::kServerUser),
                            QStringLiteral("--init-groups"), QStringLiteral("--"), kPython}
            + args;
        program = kSetpriv;
    }
    p.setProgram(program);
    p.setArguments(args);
    p.setWorkingDirectory(www); // proc::strays finds it by its working directory
    p.setStandardInputFile(QProcess::nullDevice());
    p.setStandardOutputFile(s.logFile(QString::fromLatin1(kComponent)), QIODevice::Append);
    p.setStandardErrorFile(s.logFile(QString::fromLatin1(kComponent)), QIODevice::Append);
    qint64 pid = 0;
    if (!p.startDetached(&pid) || pid <= 0) {
        *error = QStringLiteral("could not start %1: %2").arg(kPython, p.errorString());
        return false;
    }
    QFile pf(pidFile(s));
    if (!pf.open(QIODevice::WriteOnly) || pf.write(QByteArray::number(pid) + '\n') < 0) {
        *error = QStringLiteral("could not write %1").arg(pf.fileName());
        return false;
    }
    pf.close();
    QElapsedTimer t;
    t.start();
    QString detail;
    while (t.elapsed() < 10000) {
        if (probe(s.healthPort, &detail))
            return true;
        if (!proc::pidAlive(pid))
            break;
        QThread::msleep(50);
    }
    *error = QStringLiteral("the health server on port %1 did not answer: %2\n%3")
                 .arg(s.healthPort)
                 .arg(detail, proc::tail(s.logFile(QString::fromLatin1(kComponent))));
    return false;
}

bool probe(int port, QString* detail)
{
    QTcpSocket sock;
    sock.connectToHost(QStringLiteral("127.0.0.1"), quint16(port));
    if (!sock.waitForConnected(500)) {
        *detail = QStringLiteral("unreachable: %1").arg(sock.errorString());
        return false;
    }
    sock.write("GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
    QByteArray answer;
    QElapsedTimer t;
    t.start();
    while (!answer.contains("\r\n") && t.elapsed() < 1000 && sock.waitForReadyRead(200))
        answer += sock.readAll();
    answer += sock.readAll();
    const QString status = QString::fromLatin1(answer.left(answer.indexOf("\r\n")));
    *detail = status.isEmpty() ? QStringLiteral("no HTTP answer") : status;
    return status.contains(QLatin1String(" 200"));
}

} // namespace vigil::sandbox::healthserver
