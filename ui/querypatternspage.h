#pragma once

#include "monitor/statements.h"

#include <QFutureWatcher>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTableView;

namespace vigil {
class InsightMonitor;
class QueryPatternModel;
class QueryPatternProxy;
} // namespace vigil

namespace vigil::ui {

class Banner;
class TimeChart;

// What the database spends its time on: pg_stat_statements patterns with rates between polls,
// a summary strip, filters, and a detail pane (full text, charts over time, generic plan).
class QueryPatternsPage : public QWidget
{
    Q_OBJECT
public:
    QueryPatternsPage(InsightMonitor* insight, QueryPatternModel* model, QWidget* parent = nullptr);

    QTableView* table() const { return m_table; }
    QueryPatternProxy* proxy() const { return m_proxy; }
    Banner* banner() const { return m_banner; }
    QString summaryText() const;
    QPlainTextEdit* planView() const { return m_plan; }
    QComboBox* kindFilter() const { return m_kind; }
    QLineEdit* textFilter() const { return m_filter; }
    QCheckBox* showVigil() const { return m_showVigil; }
    void showPlanForSelection();

Q_SIGNALS:
    void planShown();

protected:
    void showEvent(QShowEvent* e) override;
    void hideEvent(QHideEvent* e) override;

private:
    void onStatements();
    void updateSummary(const StatementsSnapshot& s);
    void updateDetail();
    void refillCombo(QComboBox* combo, const QStringList& values);
    const StatementEntry* selectedEntry() const;

    InsightMonitor* m_insight;
    QueryPatternModel* m_model;
    QueryPatternProxy* m_proxy;
    Banner* m_banner;
    QLabel* m_summary;
    TimeChart* m_avgChart;
    QLineEdit* m_filter;
    QComboBox* m_kind;
    QComboBox* m_database;
    QComboBox* m_user;
    QCheckBox* m_showVigil;
    QTableView* m_table;
    QPlainTextEdit* m_text;
    QPlainTextEdit* m_plan;
    QPushButton* m_planButton;
    TimeChart* m_meanChart;
    TimeChart* m_rateChart;
    QFutureWatcher<std::pair<QString, QString>> m_planWatcher;
};

} // namespace vigil::ui
