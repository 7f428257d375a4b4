#pragma once

#include "checklist/checklist.h"
#include "cli/target.h"

#include <QDateTime>
#include <QFutureWatcher>
#include <QWidget>

#include <atomic>
#include <memory>

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QTableView;

namespace vigil {
class ChecklistModel;
}

namespace vigil::ui {

class TableProxy;

// The runbook's daily checklist in the Overview (issue 8 §2): the same core as `vigil checklist`
// (app/checklist), run on a pool thread because it connects to every server and the index
// advisor can take seconds. Runs the first time it is shown after connecting and on Refresh (F5);
// Cancel (Esc) stops it between steps and inside the advisor. The GUI thread never waits for it.
class ChecklistPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ChecklistPanel(QWidget* parent = nullptr);
    ~ChecklistPanel() override;

    // What to check (passwords in memory only) and the local store with the slow-query history.
    void setTarget(const cli::Target& target, const QString& storePath);
    void clearTarget();

    ChecklistModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }
    QComboBox* sinceBox() const { return m_since; }
    QLabel* verdict() const { return m_verdict; }
    QProgressBar* progress() const { return m_progress; }
    bool isRunning() const { return m_job.isRunning(); }
    // The start of the window the selector stands for, now (invalid when it cannot be read).
    QDateTime since() const;
    QDateTime generatedAt() const { return m_generatedAt; }

public Q_SLOTS:
    void refresh();
    void cancel();

Q_SIGNALS:
    // After every run: completed is false when it was cancelled or superseded.
    void finished(bool completed);

protected:
    void showEvent(QShowEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    struct Outcome
    {
        QList<checklist::ChecklistItem> items;
        QDateTime generatedAt;
        QDateTime since;
        bool cancelled = false;
        quint64 generation = 0; // results of an older run or target are dropped
    };
    void onDone();
    void updateVerdict();
    void updateButtons();

    ChecklistModel* m_model;
    QComboBox* m_since;
    QPushButton* m_refresh;
    QPushButton* m_cancel;
    QProgressBar* m_progress;
    QLabel* m_verdict;
    QTableView* m_table;
    TableProxy* m_proxy;

    cli::Target m_target;
    QString m_storePath;
    bool m_haveTarget = false;
    bool m_ranForTarget = false;
    bool m_rerun = false; // the since window changed while a run was under way
    quint64 m_generation = 0;
    std::shared_ptr<std::atomic_bool> m_cancelFlag;
    QFutureWatcher<Outcome> m_job;
    QDateTime m_generatedAt;
    QDateTime m_shownSince;
};

} // namespace vigil::ui
