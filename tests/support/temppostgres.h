#pragma once

#include <QString>
#include <QTemporaryDir>

namespace vigil::test {

// A throwaway PostgreSQL 15 server with default settings (no shared_preload_libraries), for tests
// that need a server the sandbox deliberately is not. Started by the constructor, stopped and
// removed by the destructor; runs as the sandbox's server user when the test runs as root.
class TempPostgres
{
public:
    TempPostgres();
    ~TempPostgres();
    bool isRunning() const { return m_running; }
    QString error() const { return m_error; }
    QString conninfo(const QString& database = QStringLiteral("postgres")) const;

private:
    QString m_dir;
    int m_port = 0;
    bool m_running = false;
    QString m_error;
};

} // namespace vigil::test
