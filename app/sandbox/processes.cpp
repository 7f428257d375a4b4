#include "processes.h"

#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QProcess>
#include <QTcpServer>
#include <QThread>
#include <csignal>
#include <grp.h>
#include <memory>
#include <pwd.h>
#include <sys/types.h>
#include <unistd.h>
#include <vector>

namespace vigil::sandbox::proc {

bool isRoot()
{
    return ::geteuid() == 0;
}

QString serverUserProblem()
{
    if (!isRoot() || ::getpwnam(kServerUser))
        return {};
    return QStringLiteral("running as root needs the unprivileged user '%1' to run the servers, and it does not "
                          "exist: install postgresql-15 (it creates the user) or run as a normal user")
        .arg(QString::fromLatin1(kServerUser));
}

bool run(const QString& program, const QStringList& args, int timeoutMs, QString* error, QString* output,
         const QString& workingDir, As as)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    // The servers must not inherit a terminal's stdin, and libpq tools must not pick up a
    // password from the caller's environment by accident.
    p.setStandardInputFile(QProcess::nullDevice());
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("PGPASSWORD"));
    env.insert(QStringLiteral("LC_ALL"), QStringLiteral("C.UTF-8"));
    p.setProcessEnvironment(env);
    if (!workingDir.isEmpty())
        p.setWorkingDirectory(workingDir);
    QString prog = program;
    QStringList argv = args;
    if (isRoot() && as == As::ServerUser) {
        argv = QStringList {QStringLiteral("-u"), QString::fromLatin1(kServerUser), QStringLiteral("--"), program}
            + args;
        prog = QStringLiteral("/usr/sbin/runuser");
    }
    p.start(prog, argv);
    const QString what = QFileInfo(program).fileName();
    if (!p.waitForStarted(5000)) {
        if (error)
            *error = QStringLiteral("%1 could not be started: %2").arg(what, p.errorString());
        return false;
    }
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(1000);
        if (error)
            *error = QStringLiteral("%1 did not finish within %2 s").arg(what).arg(timeoutMs / 1000.0);
        return false;
    }
    const QString out = QString::fromLocal8Bit(p.readAll()).trimmed();
    if (output)
        *output = out;
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        if (error)
            *error = QStringLiteral("%1 failed (exit code %2): %3").arg(what).arg(p.exitCode()).arg(out.right(1500));
        return false;
    }
    return true;
}

QString checkBinary(const QString& path, const QString& package)
{
    if (QFileInfo(path).isExecutable())
        return {};
    return QStringLiteral("%1 not found at %2: install %3 (./dev installs it)")
        .arg(QFileInfo(path).fileName(), path, package);
}

QList<int> freePorts(int n, QString* error)
{
    std::vector<std::unique_ptr<QTcpServer>> servers;
    QList<int> ports;
    for (int i = 0; i < n; ++i) {
        auto s = std::make_unique<QTcpServer>();
        if (!s->listen(QHostAddress::LocalHost, 0)) {
            if (error)
                *error = QStringLiteral("could not find a free port on 127.0.0.1: %1").arg(s->errorString());
            return {};
        }
        ports << s->serverPort();
        servers.push_back(std::move(s));
    }
    return ports;
}

bool handOver(const QString& path, QString* error)
{
    if (!isRoot())
        return true;
    const passwd* pw = ::getpwnam(kServerUser);
    if (!pw) {
        if (error)
            *error = serverUserProblem();
        return false;
    }
    auto own = [&](const QString& p) {
        if (::lchown(QFile::encodeName(p).constData(), pw->pw_uid, pw->pw_gid) != 0) {
            if (error)
                *error = QStringLiteral("could not give %1 to user %2: %3")
                             .arg(p, QString::fromLatin1(kServerUser), QString::fromLocal8Bit(strerror(errno)));
            return false;
        }
        return true;
    };
    if (!own(path))
        return false;
    QDirIterator it(path, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext())
        if (!own(it.next()))
            return false;
    return true;
}

bool pidAlive(qint64 pid)
{
    if (pid <= 0)
        return false;
    if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno != EPERM)
        return false;
    // A zombie is dead for our purposes (its parent just has not reaped it yet).
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (stat.open(QIODevice::ReadOnly)) {
        const QByteArray s = stat.readAll();
        const int close = s.lastIndexOf(')');
        if (close > 0 && close + 2 < s.size() && s.at(close + 2) == 'Z')
            return false;
    }
    return true;
}

bool pidStopped(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return false;
    const QByteArray s = stat.readAll();
    const int close = s.lastIndexOf(')');
    return close > 0 && close + 2 < s.size() && s.at(close + 2) == 'T';
}

QString processName(qint64 pid)
{
    if (pid <= 0)
        return {};
    QFile f(QStringLiteral("/proc/%1/comm").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromLocal8Bit(f.readAll()).trimmed();
}

qint64 readPidFile(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    return f.readLine().trimmed().toLongLong();
}

namespace {
QList<qint64> childrenOf(qint64 parent)
{
    QList<qint64> kids;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString& e : entries) {
        bool ok = false;
        const qint64 pid = e.toLongLong(&ok);
        if (!ok)
            continue;
        QFile status(QStringLiteral("/proc/%1/status").arg(pid));
        if (!status.open(QIODevice::ReadOnly))
            continue;
        for (const QByteArray& line : status.readAll().split('\n'))
            if (line.startsWith("PPid:")) {
                if (line.mid(5).trimmed().toLongLong() == parent)
                    kids << pid;
                break;
            }
    }
    return kids;
}

bool matches(const StopTarget& t)
{
    if (!pidAlive(t.pid))
        return false;
    return t.expectedName.isEmpty() || processName(t.pid).contains(t.expectedName);
}
} // namespace

QList<qint64> stopAll(const QList<StopTarget>& targets, int graceMs)
{
    QList<StopTarget> live;
    for (const StopTarget& t : targets)
        if (matches(t))
            live << t;
    // Children are looked up before the parent dies; once it is gone they are reparented.
    QHash<qint64, QList<qint64>> children;
    for (const StopTarget& t : std::as_const(live)) {
        if (t.killChildren)
            children.insert(t.pid, childrenOf(t.pid));
        ::kill(static_cast<pid_t>(t.pid), t.signal);
    }
    QElapsedTimer timer;
    timer.start();
    auto anyAlive = [&] {
        for (const StopTarget& t : std::as_const(live))
            if (pidAlive(t.pid))
                return true;
        return false;
    };
    while (anyAlive() && timer.elapsed() < graceMs)
        QThread::msleep(20);
    QList<qint64> killed;
    for (const StopTarget& t : std::as_const(live)) {
        if (pidAlive(t.pid)) {
            ::kill(static_cast<pid_t>(t.pid), SIGKILL);
            killed << t.pid;
        }
        for (qint64 child : children.value(t.pid))
            if (pidAlive(child) && processName(child).contains(t.expectedName))
                ::kill(static_cast<pid_t>(child), SIGKILL);
    }
    if (!killed.isEmpty()) {
        timer.restart();
        while (anyAlive() && timer.elapsed() < 1000)
            QThread::msleep(10);
    }
    return killed;
}

QList<StopTarget> strays(const QString& dir)
{
    QList<StopTarget> found;
    const QString prefix = QDir::cleanPath(dir);
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString& e : entries) {
        bool ok = false;
        const qint64 pid = e.toLongLong(&ok);
        if (!ok || pid == ::getpid())
            continue;
        const QString name = processName(pid);
        if (!name.startsWith(QLatin1String("postgres")) && !name.startsWith(QLatin1String("redis"))
            && name != QLatin1String("pgbouncer") && !name.startsWith(QLatin1String("python")))
            continue;
        const QString cwd = QFileInfo(QStringLiteral("/proc/%1/cwd").arg(pid)).symLinkTarget();
        if (cwd == prefix || cwd.startsWith(prefix + QLatin1Char('/')))
            found << StopTarget {pid, SIGKILL, name.left(5), false};
    }
    return found;
}

QString tail(const QString& path, int lines)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const qint64 size = f.size();
    if (size > 16384)
        f.seek(size - 16384);
    QStringList all = QString::fromLocal8Bit(f.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    return all.mid(qMax(0, all.size() - lines)).join(QLatin1Char('\n'));
}

} // namespace vigil::sandbox::proc
