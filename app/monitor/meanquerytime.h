#pragma once

#include "pg/pgconnection.h"
#include "pgtask.h"

#include <QList>
#include <QObject>
#include <QPointer>

class QThread;

namespace vigil {

class PgTaskWorker;

// The server's mean query time over each interval: Σtotal_exec_time / Σcalls of
// pg_stat_statements between two samples (all databases, all users: what the server spent per
// statement while a load run was going), without texts (cheap: ~6.5 ms for 3,000 entries), and
// without Vigil's own statements (those tagged /* vigil */, learnt by queryid every 30 samples).
// pg_stat_statements keys by structure and keeps the first text it saw, so a statement of ours
// shaped exactly like one of the workload's shares its entry and goes whichever way that text
// says; Vigil's catalog queries share no shape with a workload's.
struct MeanQueryTimeSample : TaskResult
{
    double meanMs = kNoValue; // kNoValue: first sample, or no call in the interval
    qint64 calls = 0; // statements completed in the interval
    double intervalSec = 0;
};

class MeanQueryTimeTask final : public PgTask
{
public:
    explicit MeanQueryTimeTask(int periodMs = 1000)
        : PgTask(periodMs)
    {
    }
    QString name() const override { return QStringLiteral("meanquerytime"); }
    std::shared_ptr<TaskResult> run(pg::Connection& conn) override;
    std::shared_ptr<TaskResult> emptyResult() const override { return std::make_shared<MeanQueryTimeSample>(); }
    void reset() override
    {
        m_prevCalls = -1;
        m_samples = 0;
    }
    // Vigil's own statements' queryids as an int8[] literal ("{}" until learnt).
    QString excludedQueryIds() const { return m_excluded; }

private:
    static bool sums(pg::Connection& conn, const QString& excluded, qint64* calls, double* totalMs, QString* error);

    QString m_excluded = QStringLiteral("{}");
    int m_samples = 0;
    qint64 m_prevCalls = -1;
    double m_prevTotalMs = 0;
    qint64 m_prevMs = 0;
};

// Samples MeanQueryTimeTask once a second on its own connection and thread while a load run is
// going (the Load tests tab overlays it on the run's seconds); stop() ends it.
class MeanQueryTimeProbe : public QObject
{
    Q_OBJECT
public:
    explicit MeanQueryTimeProbe(QObject* parent = nullptr);
    ~MeanQueryTimeProbe() override;

    void start(const QString& node, const pg::ConnectOptions& options, int periodMs = 1000);
    void stop();
    double lastMeanMs() const { return m_last; }
    QString lastError() const { return m_error; }

Q_SIGNALS:
    void sampled(double meanMs);

private:
    QPointer<PgTaskWorker> m_worker;
    QList<QPointer<QThread>> m_threads; // joined on destruction, so none outlives the probe
    quint64 m_generation = 0;
    double m_last = kNoValue;
    QString m_error;
};

} // namespace vigil
