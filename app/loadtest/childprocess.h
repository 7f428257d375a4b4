#pragma once

#include <QString>
#include <QStringList>

class QProcess;

namespace vigil::loadtest {

// Helpers shared by the runners that launch a load generator as a child process.

// The program on PATH, else the first existing fallback path; empty when neither exists.
QString findProgram(const QString& name, const QStringList& fallbacks = {});
// A command line as an operator would type it (single quotes where needed), for confirmations
// and the audit log. The runners never put a password in the arguments.
QString shellJoin(const QString& program, const QStringList& args);
// Sends `signal` (SIGINT lets pgbench and Locust end the way Ctrl+C would) and kills the process
// if it is still there after graceMs: Stop never hangs on a stuck child.
void interruptThenKill(QProcess* process, int signal, int graceMs);

} // namespace vigil::loadtest
