#include "indexespage.h"

#include "actionconfirm.h"
#include "actions/actiongate.h"
#include "banner.h"
#include "models/recommendationmodel.h"
#include "monitor/insightmonitor.h"
#include "monitor/statements.h"
#include "tablesetup.h"

#include <QDateTime>
#include <QFile>
#include <QFileDialog>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace vigil::ui {

namespace {

const QString kAction = QStringLiteral("create-index");
constexpr int kLockTimeoutMs = 5000;
// Advice older than this is redone when the tab is shown again.
constexpr qint64 kStaleMs = 5LL * 60 * 1000;
// With nothing analysed yet (fresh server, statistics just reset), retry on the next statements
// poll after at least this long.
constexpr qint64 kEmptyRetryMs = 20LL * 1000;

QPlainTextEdit* monoView(QWidget* parent, const QString& placeholder,
                         QPlainTextEdit::LineWrapMode wrap = QPlainTextEdit::NoWrap)
{
    auto* v = new QPlainTextEdit(parent);
    v->setReadOnly(true);
    v->setLineWrapMode(wrap);
    v->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    v->setPlaceholderText(placeholder);
    return v;
}

QWidget* titled(const QString& title, QWidget* body, QWidget* parent)
{
    auto* w = new QWidget(parent);
    auto* l = new QVBoxLayout(w);
    l->setContentsMargins(0, 0, 0, 0);
    auto* label = new QLabel(QStringLiteral("<b>%1</b>").arg(title.toHtmlEscaped()), w);
    l->addWidget(label);
    l->addWidget(body, 1);
    return w;
}

// Calls and total time of some statements in one database, from a pg_stat_statements snapshot.
QPair<qint64, double> totalsOf(const QList<StatementEntry>& entries, const QList<qint64>& ids, const QString& db)
{
    qint64 calls = 0;
    double total = 0;
    for (const StatementEntry& e : entries)
        if (e.database == db && ids.contains(e.key.queryId)) {
            calls += e.calls;
            total += e.totalMs;
        }
    return {calls, total};
}

} // namespace

IndexesPage::IndexesPage(InsightMonitor* insight, store::AuditLog* audit, QWidget* parent)
    : QWidget(parent)
    , m_insight(insight)
    , m_audit(audit)
    , m_banner(new Banner(this))
    , m_model(new RecommendationModel(this))
    , m_table(new QTableView(this))
    , m_filter(new QLineEdit(this))
    , m_analyze(new QPushButton(tr("Analyze"), this))
    , m_cancel(new QPushButton(tr("Cancel"), this))
    , m_apply(new QPushButton(tr("Apply index…"), this))
    , m_cancelApply(new QPushButton(tr("Cancel build"), this))
    , m_export(new QPushButton(tr("Export .sql…"), this))
    , m_progress(new QProgressBar(this))
    , m_applyBar(new QProgressBar(this))
    , m_applyPhase(new QLabel(this))
    , m_status(new QLabel(this))
    , m_summary(new QLabel(this))
    , m_detail(monoView(this, tr("Select a recommendation to see why, the exact SQL and the statement it helps"),
                        QPlainTextEdit::WidgetWidth))
    , m_planBefore(monoView(this, tr("Generic plan of the heaviest affected statement, as it runs now")))
    , m_planAfter(monoView(this, tr("The same plan with the hypothetical index (HypoPG)")))
{
    m_analyze->setShortcut(QKeySequence(Qt::Key_F5));
    m_analyze->setToolTip(tr("Plan the workload's statements from pg_stat_statements with and without hypothetical "
                             "indexes (HypoPG) on the primary, and read index usage (F5). Nothing is executed or "
                             "created on the server."));
    m_cancel->setToolTip(tr("Stop the analysis (Esc)"));
    m_cancel->setShortcut(QKeySequence(Qt::Key_Escape));
    m_apply->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Return));
    m_export->setShortcut(QKeySequence::Save);
    m_export->setToolTip(tr("Save every recommendation that carries SQL as one .sql file, each with its reason as a "
                            "comment (Ctrl+S)"));
    m_cancelApply->setToolTip(tr("Cancel the CREATE INDEX CONCURRENTLY (PQcancel); an INVALID index it leaves is "
                                 "dropped"));
    m_filter->setPlaceholderText(tr("Filter recommendations (type, table, column, reason)…"));
    m_filter->setClearButtonEnabled(true);
    m_progress->setVisible(false);
    m_progress->setFormat(tr("planning %v / %m"));
    m_applyBar->setRange(0, 1000);
    m_applyBar->setFormat(QStringLiteral("%p %"));
    m_applyBar->setVisible(false);
    m_applyPhase->setVisible(false);
    m_cancelApply->setVisible(false);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setWordWrap(true);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* bar = new QHBoxLayout;
    bar->addWidget(m_analyze);
    bar->addWidget(m_cancel);
    bar->addWidget(m_progress, 1);
    bar->addWidget(m_filter, 2);
    bar->addWidget(m_export);
    bar->addWidget(m_apply);

    auto* applyRow = new QHBoxLayout;
    applyRow->addWidget(m_applyPhase);
    applyRow->addWidget(m_applyBar, 1);
    applyRow->addWidget(m_cancelApply);

    m_proxy = setupTable(m_table, m_model, m_filter);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->sortByColumn(RecommendationModel::PriorityColumn, Qt::DescendingOrder);
    QHeaderView* header = m_table->horizontalHeader();
    for (int c :
         {RecommendationModel::PriorityColumn, RecommendationModel::ImprovementColumn, RecommendationModel::CostColumn,
          RecommendationModel::SizeColumn, RecommendationModel::StatementsColumn, RecommendationModel::MeasuredColumn})
        header->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    header->resizeSection(RecommendationModel::TypeColumn, 125);
    header->resizeSection(RecommendationModel::TableColumn, 140);
    header->resizeSection(RecommendationModel::ColumnsColumn, 160);
    header->setSectionResizeMode(RecommendationModel::ReasonColumn, QHeaderView::Stretch);

    auto* plans = new QSplitter(Qt::Horizontal, this);
    plans->addWidget(titled(tr("Plan now"), m_planBefore, plans));
    plans->addWidget(titled(tr("Plan with the index (hypothetical)"), m_planAfter, plans));
    auto* detail = new QSplitter(Qt::Horizontal, this);
    detail->addWidget(titled(tr("Reason and SQL"), m_detail, detail));
    detail->addWidget(plans);
    detail->setStretchFactor(0, 2);
    detail->setStretchFactor(1, 3);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_table);
    split->addWidget(detail);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_banner);
    layout->addLayout(bar);
    layout->addWidget(m_summary);
    layout->addWidget(split, 1);
    layout->addLayout(applyRow);
    layout->addWidget(m_status);

    connect(m_analyze, &QPushButton::clicked, this, &IndexesPage::analyze);
    connect(m_cancel, &QPushButton::clicked, this, &IndexesPage::cancelAnalysis);
    connect(m_apply, &QPushButton::clicked, this, &IndexesPage::askApply);
    connect(m_cancelApply, &QPushButton::clicked, this, &IndexesPage::cancelApply);
    connect(m_export, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export recommendations"),
                                                          QStringLiteral("vigil-advice.sql"), tr("SQL (*.sql)"));
        if (path.isEmpty())
            return;
        QString error;
        m_status->setText(exportSql(path, &error) ? tr("Saved %1").arg(path)
                                                  : tr("Could not save %1: %2").arg(path, error));
    });
    connect(&m_analysis, &QFutureWatcher<analysis::Advice>::finished, this, &IndexesPage::onAnalysisDone);
    connect(&m_applyJob, &QFutureWatcher<ApplyOutcome>::finished, this, &IndexesPage::onApplyDone);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &IndexesPage::onSelection);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &IndexesPage::onSelection);
    connect(m_insight, &InsightMonitor::statementsUpdated, this, &IndexesPage::onStatements);
    // The first look at the tab after connecting (or after a failover) analyses by itself: the
    // analysis only plans, and an operator opening the tab wants the advice.
    connect(m_insight, &InsightMonitor::nodeChanged, this, [this] {
        if (m_insight->node().isEmpty()) { // disconnected: advice for a cluster no longer watched
            if (m_cancelFlag)
                *m_cancelFlag = true;
            m_analysedNode.clear();
            m_applied.clear();
            m_model->setRecommendations({});
            m_summary->setText(tr("Not connected."));
        }
        updateButtons();
        if (isVisible() && m_analysedNode != m_insight->node())
            analyze();
    });
    m_summary->setText(tr("Not analysed yet: press Analyze (F5) once connected."));
    updateButtons();
}

IndexesPage::~IndexesPage()
{
    // Both jobs stop quickly once told (between planner calls; PQcancel for the build) and are
    // waited for so they never outlive the page they report to.
    if (m_cancelFlag)
        *m_cancelFlag = true;
    if (m_build)
        m_build->cancel();
    m_analysis.waitForFinished();
    m_applyJob.waitForFinished();
}

void IndexesPage::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    // Also when the shown advice is old: the workload moves on while the tab is hidden.
    if (!m_insight->node().isEmpty()
        && (m_analysedNode != m_insight->node() || (m_analysedAt.isValid() && m_analysedAt.hasExpired(kStaleMs))))
        analyze();
}

void IndexesPage::updateButtons()
{
    const bool connected = !m_insight->node().isEmpty();
    const bool analysing = m_analysis.isRunning();
    const bool building = m_applyJob.isRunning();
    m_analyze->setEnabled(connected && !analysing);
    m_cancel->setEnabled(analysing);
    m_cancel->setVisible(analysing);
    m_export->setEnabled(m_model->rowCount() > 0);
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    const analysis::IndexRecommendation* rec
        = rows.isEmpty() ? nullptr : m_model->recommendationAt(m_proxy->mapToSource(rows.first()).row());
    const actions::GateDecision gate = actions::gate(m_insight->profile(), kAction);
    const bool refused = !gate.allowed && !gate.needsTypedName;
    const bool isIndex = rec && rec->type == QLatin1String("INDEX");
    m_apply->setEnabled(connected && isIndex && !building && !refused);
    if (refused)
        m_apply->setToolTip(tr("Disabled: %1").arg(gate.reason));
    else if (!isIndex)
        m_apply->setToolTip(tr("Select an INDEX recommendation to build it. Drops and rewrites are left to you: "
                               "their SQL is in the detail pane and the export."));
    else
        m_apply->setToolTip(tr("Build the selected index with CREATE INDEX CONCURRENTLY on %1 (Ctrl+Shift+Enter); "
                               "the exact SQL is shown before anything runs")
                                .arg(m_insight->node()));
}

void IndexesPage::analyze()
{
    if (m_analysis.isRunning() || m_insight->node().isEmpty())
        return;
    m_banner->setItems({});
    m_analysedNode = m_insight->node();
    m_cancelFlag = std::make_shared<std::atomic_bool>(false);
    m_progress->setRange(0, 0);
    m_progress->setValue(0);
    m_progress->setVisible(true);
    m_status->setText(tr("Analysing the workload of %1…").arg(m_insight->node()));
    const pg::ConnectOptions target = m_insight->connectOptions();
    const std::shared_ptr<std::atomic_bool> cancel = m_cancelFlag;
    const QPointer<IndexesPage> self(this);
    m_analysis.setFuture(QtConcurrent::run([target, cancel, self] {
        analysis::Advice out;
        pg::Connection conn;
        if (!conn.open(target)) {
            out.error = conn.lastError();
            return out;
        }
        StatementsTask statements;
        const auto snap = std::static_pointer_cast<StatementsSnapshot>(statements.run(conn));
        if (!snap->ok) {
            out.error = snap->error;
            return out;
        }
        return analysis::advise(conn, snap->entries, cancel.get(), [self](int done, int total) {
            QMetaObject::invokeMethod( // NOLINT(clang-analyzer-cplusplus.NewDeleteLeaks): Qt owns the functor
                self,
                [self, done, total] {
                    if (!self)
                        return;
                    self->m_progress->setRange(0, total);
                    self->m_progress->setValue(done);
                },
                Qt::QueuedConnection);
        });
    }));
    updateButtons();
}

void IndexesPage::cancelAnalysis()
{
    if (m_cancelFlag)
        *m_cancelFlag = true;
    m_status->setText(tr("Cancelling the analysis…"));
}

void IndexesPage::onAnalysisDone()
{
    m_progress->setVisible(false);
    const analysis::Advice advice = m_analysis.result();
    if (!advice.ok) {
        const bool cancelled = advice.error == QLatin1String("cancelled");
        m_status->setText(cancelled ? tr("Analysis cancelled; the previous results are kept.")
                                    : tr("Analysis failed on %1.").arg(m_insight->node()));
        if (!cancelled) {
            Banner::Item item {tr("Index advice: %1").arg(advice.error), {}, true};
            if (advice.error.contains(QLatin1String("CREATE EXTENSION hypopg"))) {
                item.fixSql = QStringLiteral("CREATE EXTENSION hypopg;");
                item.error = false;
            }
            m_banner->setItems({item});
        }
        updateButtons();
        Q_EMIT analysisFinished(false);
        return;
    }
    m_advice = advice;
    m_analysedAt.start();
    QList<Banner::Item> warnings;
    for (const QString& w : advice.warnings)
        warnings << Banner::Item {w, {}, false};
    m_banner->setItems(warnings);
    m_model->setRecommendations(advice.recommendations);
    const QLocale loc;
    m_summary->setText(
        tr("%1 recommendations for database %2 on %3 at %4: %5 statements planned, %6 of %7 candidate indexes tried "
           "with HypoPG, %8 pg_qualstats predicates used, %9 ms.")
            .arg(advice.recommendations.size())
            .arg(advice.database, m_insight->node(), QTime::currentTime().toString(QStringLiteral("HH:mm:ss")))
            .arg(loc.toString(advice.statementsAnalyzed))
            .arg(advice.candidatesTried)
            .arg(advice.candidatesFound)
            .arg(advice.qualstatsPredicates)
            .arg(loc.toString(advice.elapsedMs)));
    m_status->clear();
    if (advice.statementsAnalyzed == 0)
        m_summary->setText(tr("pg_stat_statements has no SELECT, UPDATE or DELETE of database %1 to plan yet (a fresh "
                              "server, or statistics just reset). The analysis runs again by itself once the "
                              "application has run; Analyze (F5) runs it now.")
                               .arg(advice.database));
    if (m_table->selectionModel()->selectedRows().isEmpty() && m_proxy->rowCount() > 0)
        m_table->selectRow(0);
    onStatements();
    updateButtons();
    Q_EMIT analysisFinished(true);
}

void IndexesPage::onSelection()
{
    updateButtons();
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    const analysis::IndexRecommendation* r
        = rows.isEmpty() ? nullptr : m_model->recommendationAt(m_proxy->mapToSource(rows.first()).row());
    if (!r) {
        m_detail->clear();
        m_planBefore->clear();
        m_planAfter->clear();
        return;
    }
    QStringList text {QStringLiteral("%1 %2").arg(r->priority, r->type), r->reason, QString()};
    if (!r->sql.isEmpty())
        text << tr("SQL:") << r->sql + QLatin1Char(';') << QString();
    if (!r->sampleSql.isEmpty())
        text << tr("Statement (query id %1):").arg(r->sampleQueryId) << r->sampleSql << QString();
    if (r->affectedQueryIds.size() > 1) {
        QStringList ids;
        for (qint64 id : r->affectedQueryIds)
            ids << QString::number(id);
        text << tr("All affected query ids: %1").arg(ids.join(QStringLiteral(", ")));
    }
    const RecommendationModel::Measured m = m_model->measured(RecommendationModel::keyOf(*r));
    if (!m.state.isEmpty())
        text << tr("Applied: %1")
                    .arg(m_model
                             ->data(m_model->index(m_proxy->mapToSource(rows.first()).row(),
                                                   RecommendationModel::MeasuredColumn))
                             .toString());
    m_detail->setPlainText(text.join(QLatin1Char('\n')).trimmed());
    m_planBefore->setPlainText(r->planBefore);
    m_planAfter->setPlainText(r->planAfter);
}

bool IndexesPage::exportSql(const QString& path, QString* error) const
{
    QFile f(path);
    const QString script = analysis::toSqlScript(
        m_model->recommendations(),
        tr("Vigil index advice for database %1 on %2, %3")
            .arg(m_advice.database, m_insight->node(), QDateTime::currentDateTimeUtc().toString(Qt::ISODate)));
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(script.toUtf8()) < 0) {
        *error = f.errorString();
        return false;
    }
    return true;
}

void IndexesPage::askApply()
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return;
    const analysis::IndexRecommendation rec = *m_model->recommendationAt(m_proxy->mapToSource(rows.first()).row());
    const QLocale loc;
    const QString what
        = tr("Build index %1 on %2 (%3) on the primary %4 of profile \"%5\", without blocking writes. The build "
             "waits at most %6 ms for its lock (lock_timeout) and can take minutes on a large table (estimated size "
             "%7). If it fails or is cancelled, the INVALID index it leaves is dropped.")
              .arg(rec.indexName, rec.table, rec.columns.join(QStringLiteral(", ")), m_insight->node(),
                   m_insight->profile().name)
              .arg(kLockTimeoutMs)
              .arg(loc.formattedDataSize(rec.estimatedSizeBytes));
    bool typed = false;
    QString refusal;
    if (!confirmAction(this, m_insight->profile(), kAction, tr("Create index"), what,
                       QStringLiteral("SET lock_timeout = '%1ms';\n%2;").arg(kLockTimeoutMs).arg(rec.sql), &typed,
                       &refusal)) {
        if (!refusal.isEmpty())
            m_status->setText(tr("Not applied: %1").arg(refusal));
        return;
    }
    applyRecommendation(rec, typed);
}

void IndexesPage::applyRecommendation(const analysis::IndexRecommendation& rec, bool typedNameConfirmed)
{
    if (m_applyJob.isRunning())
        return;
    const QString key = RecommendationModel::keyOf(rec);
    const pg::ConnectOptions target = m_insight->connectOptions();
    m_build = std::make_shared<actions::IndexBuild>(target, rec.sql, m_insight->profile(), m_insight->node(), m_audit,
                                                    typedNameConfirmed, kLockTimeoutMs);
    m_applyBar->setValue(0);
    m_applyBar->setVisible(true);
    m_applyPhase->setText(tr("Building %1…").arg(rec.indexName));
    m_applyPhase->setVisible(true);
    m_cancelApply->setVisible(true);
    m_cancelApply->setEnabled(true);
    m_status->setText(tr("Building %1 on %2…").arg(rec.indexName, m_insight->node()));
    m_model->setMeasured(key, {tr("building…")});
    const std::shared_ptr<actions::IndexBuild> build = m_build;
    const QList<qint64> ids = rec.affectedQueryIds;
    const QPointer<IndexesPage> self(this);
    m_applyJob.setFuture(QtConcurrent::run([build, target, ids, key, self] {
        ApplyOutcome out;
        out.key = key;
        out.build = build->run([self](const actions::IndexBuildProgress& p) {
            QMetaObject::invokeMethod( // NOLINT(clang-analyzer-cplusplus.NewDeleteLeaks): Qt owns the functor
                self,
                [self, p] {
                    if (!self)
                        return;
                    self->m_applyBar->setValue(int(p.percent * 10));
                    self->m_applyPhase->setText(tr("%1: blocks %2/%3, tuples %4/%5")
                                                    .arg(p.phase)
                                                    .arg(p.blocksDone)
                                                    .arg(p.blocksTotal)
                                                    .arg(p.tuplesDone)
                                                    .arg(p.tuplesTotal));
                    Q_EMIT self->applyProgress(p.percent);
                },
                Qt::QueuedConnection);
        });
        if (!out.build.ok || ids.isEmpty())
            return out;
        // The baseline for the before/after measurement: the affected statements' totals now.
        pg::Connection conn;
        if (!conn.open(target))
            return out;
        QStringList list;
        for (qint64 id : ids)
            list << QString::number(id);
        const pg::Result r = conn.exec(
            QStringLiteral("/* vigil */ SELECT coalesce(sum(calls), 0)::bigint, coalesce(sum(total_exec_time), 0) "
                           "FROM pg_stat_statements(false) WHERE toplevel AND queryid = ANY($1::bigint[]) AND dbid = "
                           "(SELECT oid FROM pg_database WHERE datname = current_database())"),
            {QLatin1Char('{') + list.join(QLatin1Char(',')) + QLatin1Char('}')});
        if (r.ok() && r.rows() == 1) {
            out.calls = r.toInt64(0, 0);
            out.totalMs = r.toDouble(0, 1);
        }
        return out;
    }));
    updateButtons();
}

void IndexesPage::cancelApply()
{
    if (m_build && m_applyJob.isRunning()) {
        m_build->cancel();
        m_cancelApply->setEnabled(false);
        m_status->setText(tr("Cancelling the build…"));
    }
}

void IndexesPage::onApplyDone()
{
    const ApplyOutcome out = m_applyJob.result();
    const actions::IndexBuildResult& r = out.build;
    m_build.reset();
    m_cancelApply->setVisible(false);
    m_applyPhase->setVisible(false);
    m_applyBar->setVisible(r.ok);
    if (r.ok) {
        m_applyBar->setValue(1000);
        const int row = m_model->rowOf(out.key);
        const analysis::IndexRecommendation* rec = m_model->recommendationAt(row);
        RecommendationModel::Measured m {tr("applied")};
        if (rec && out.calls > 0) {
            m.meanBeforeMs = out.totalMs / double(out.calls);
            m_applied.insert(out.key, {rec->affectedQueryIds, m_advice.database, out.calls, out.totalMs});
        }
        m_model->setMeasured(out.key, m);
        m_status->setText(tr("%1 built on %2 in %3 ms and valid; its statements' mean time is measured from the "
                             "next polls. Audit entry %4.")
                              .arg(r.indexName, m_insight->node())
                              .arg(r.elapsedMs)
                              .arg(r.auditId));
        m_insight->refreshStatementsNow();
    } else {
        m_model->setMeasured(out.key, {r.cancelled ? tr("cancelled") : tr("failed")});
        QString text = r.cancelled ? tr("Build of %1 cancelled.").arg(r.indexName)
                                   : tr("%1 not built: %2").arg(r.indexName, r.message);
        if (r.invalidIndexDropped)
            text += QLatin1Char(' ') + tr("The INVALID index it left behind was dropped; nothing remains.");
        m_status->setText(text);
        if (!r.cancelled && !r.refused)
            m_banner->setItems({{tr("Index build failed: %1").arg(r.message), {}, true}});
    }
    updateButtons();
    Q_EMIT applyFinished(r);
}

void IndexesPage::onStatements()
{
    if (isVisible() && !m_analysis.isRunning() && m_advice.ok && m_advice.statementsAnalyzed == 0
        && m_analysedAt.isValid() && m_analysedAt.hasExpired(kEmptyRetryMs) && m_analysedNode == m_insight->node())
        analyze();
    const auto snap = m_insight->statements();
    if (!snap || m_applied.isEmpty())
        return;
    for (auto it = m_applied.constBegin(); it != m_applied.constEnd(); ++it) {
        const auto [calls, total] = totalsOf(snap->entries, it->queryIds, it->database);
        RecommendationModel::Measured m = m_model->measured(it.key());
        m.callsAfter = std::max<qint64>(0, calls - it->calls);
        // The snapshot may predate the baseline (it was polled before the build ended): no delta yet.
        m.meanAfterMs = m.callsAfter > 0 ? (total - it->totalMs) / double(m.callsAfter) : -1;
        m_model->setMeasured(it.key(), m);
    }
    Q_EMIT measuredUpdated();
}

} // namespace vigil::ui
