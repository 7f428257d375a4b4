#pragma once

#include "actions/indexbuild.h"
#include "analysis/advice.h"

#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QHash>
#include <QWidget>
#include <atomic>
#include <memory>

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTableView;

namespace vigil {
class InsightMonitor;
class RecommendationModel;
namespace store {
class AuditLog;
}
} // namespace vigil

namespace vigil::ui {

class Banner;
class TableProxy;

// Index advice for the watched primary: Analyze runs analysis::advise off the GUI thread (progress,
// Cancel), the table lists every recommendation with its figures, the detail pane shows the
// reason, the exact SQL and the sample statement's plan without and with the hypothetical index.
// Apply builds a recommended index with actions::IndexBuild (gate, confirmation with the exact
// SQL, live progress from pg_stat_progress_create_index, Cancel, INVALID leftovers dropped, audit)
// and then measures the affected statements' mean time before and after from pg_stat_statements.
class IndexesPage : public QWidget
{
    Q_OBJECT
public:
    IndexesPage(InsightMonitor* insight, store::AuditLog* audit, QWidget* parent = nullptr);
    ~IndexesPage() override;

    RecommendationModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }
    QPushButton* analyzeButton() const { return m_analyze; }
    QPushButton* cancelButton() const { return m_cancel; }
    QPushButton* applyButton() const { return m_apply; }
    QPushButton* exportButton() const { return m_export; }
    QProgressBar* progress() const { return m_progress; }
    QLabel* status() const { return m_status; }
    QLabel* summary() const { return m_summary; }
    QPlainTextEdit* detail() const { return m_detail; }
    QPlainTextEdit* planBefore() const { return m_planBefore; }
    QPlainTextEdit* planAfter() const { return m_planAfter; }
    Banner* banner() const { return m_banner; }
    const analysis::Advice& lastAdvice() const { return m_advice; }

    void analyze();
    void cancelAnalysis();
    // What Apply runs once the operator confirmed (tests call it too): off the GUI thread.
    void applyRecommendation(const analysis::IndexRecommendation& rec, bool typedNameConfirmed);
    void cancelApply();
    bool exportSql(const QString& path, QString* error) const;

Q_SIGNALS:
    void analysisFinished(bool ok);
    void applyProgress(double percent);
    void applyFinished(const vigil::actions::IndexBuildResult& result);
    void measuredUpdated();

protected:
    void showEvent(QShowEvent* event) override;

private:
    struct ApplyOutcome
    {
        actions::IndexBuildResult build;
        QString key;
        // pg_stat_statements totals of the affected statements right after the build
        qint64 calls = -1;
        double totalMs = 0;
    };
    struct Applied
    {
        QList<qint64> queryIds;
        QString database;
        qint64 calls = 0;
        double totalMs = 0;
    };

    void onAnalysisDone();
    void onApplyDone();
    void onSelection();
    void onStatements();
    void askApply();
    void updateButtons();

    InsightMonitor* m_insight;
    store::AuditLog* m_audit;
    Banner* m_banner;
    RecommendationModel* m_model;
    TableProxy* m_proxy = nullptr;
    QTableView* m_table;
    QLineEdit* m_filter;
    QPushButton* m_analyze;
    QPushButton* m_cancel;
    QPushButton* m_apply;
    QPushButton* m_cancelApply;
    QPushButton* m_export;
    QProgressBar* m_progress;
    QProgressBar* m_applyBar;
    QLabel* m_applyPhase;
    QLabel* m_status;
    QLabel* m_summary;
    QPlainTextEdit* m_detail;
    QPlainTextEdit* m_planBefore;
    QPlainTextEdit* m_planAfter;

    analysis::Advice m_advice;
    std::shared_ptr<std::atomic_bool> m_cancelFlag;
    QFutureWatcher<analysis::Advice> m_analysis;
    std::shared_ptr<actions::IndexBuild> m_build;
    QFutureWatcher<ApplyOutcome> m_applyJob;
    QHash<QString, Applied> m_applied; // recommendation key -> baseline taken after its build
    QString m_analysedNode; // the node the shown advice (or the running analysis) is for
    QElapsedTimer m_analysedAt; // when the shown advice was computed (invalid: never)
};

} // namespace vigil::ui
