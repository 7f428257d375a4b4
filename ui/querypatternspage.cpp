#include "querypatternspage.h"

#include "analysis/genericplan.h"
#include "banner.h"
#include "models/querypatternmodel.h"
#include "models/querypatternproxy.h"
#include "monitor/insightmonitor.h"
#include "tablesetup.h"
#include "timechart.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QShortcut>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace vigil::ui {

QueryPatternsPage::QueryPatternsPage(InsightMonitor* insight, QueryPatternModel* model, QWidget* parent)
    : QWidget(parent)
    , m_insight(insight)
    , m_model(model)
    , m_proxy(new QueryPatternProxy(this))
    , m_banner(new Banner(this))
    , m_summary(new QLabel(this))
    , m_avgChart(new TimeChart(tr("Average execution time of all statements, per poll interval"), tr("ms"), this))
    , m_filter(new QLineEdit(this))
    , m_kind(new QComboBox(this))
    , m_database(new QComboBox(this))
    , m_user(new QComboBox(this))
    , m_showVigil(new QCheckBox(tr("Vigil's own"), this))
    , m_table(new QTableView(this))
    , m_text(new QPlainTextEdit(this))
    , m_plan(new QPlainTextEdit(this))
    , m_planButton(new QPushButton(tr("Generic plan"), this))
    , m_meanChart(new TimeChart(tr("Mean time per call, ms (x: seconds ago)"), tr("ms"), this))
    , m_rateChart(new TimeChart(tr("Calls per second (x: seconds ago)"), tr("calls/s"), this))
{
    m_proxy->setSourceModel(model);
    setupView(m_table, m_proxy); // shared copy / CSV / sort behaviour over our own proxy
    m_table->sortByColumn(QueryPatternModel::TotalColumn, Qt::DescendingOrder);
    m_table->horizontalHeader()->resizeSection(QueryPatternModel::QueryColumn, 300);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);

    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setToolTip(tr("From pg_stat_statements of the primary, Vigil's own statements excluded"));
    m_avgChart->setMaximumHeight(200);
    m_avgChart->chart()->legend()->hide();

    // Filters: text is debounced, the combos apply at once.
    m_filter->setPlaceholderText(tr("Filter statement text (Ctrl+F)"));
    m_filter->setClearButtonEnabled(true);
    auto* debounce = new QTimer(this);
    debounce->setSingleShot(true);
    debounce->setInterval(300);
    connect(m_filter, &QLineEdit::textChanged, debounce, qOverload<>(&QTimer::start));
    connect(debounce, &QTimer::timeout, this, [this] { m_proxy->setText(m_filter->text()); });
    auto* find = new QShortcut(QKeySequence::Find, this);
    connect(find, &QShortcut::activated, m_filter, [this] { m_filter->setFocus(); });
    m_kind->addItem(tr("All types"), -1);
    for (auto k : {StatementKind::Select, StatementKind::Insert, StatementKind::Update, StatementKind::Delete,
                   StatementKind::Other})
        m_kind->addItem(statementKindName(k), int(k));
    connect(m_kind, &QComboBox::currentIndexChanged, this, [this] { m_proxy->setKind(m_kind->currentData().toInt()); });
    m_database->addItem(tr("All databases"), QString());
    m_user->addItem(tr("All users"), QString());
    connect(m_database, &QComboBox::currentIndexChanged, this,
            [this] { m_proxy->setDatabase(m_database->currentData().toString()); });
    connect(m_user, &QComboBox::currentIndexChanged, this,
            [this] { m_proxy->setUser(m_user->currentData().toString()); });
    m_showVigil->setToolTip(tr("Show the statements Vigil itself runs (tagged /* vigil */)"));
    connect(m_showVigil, &QCheckBox::toggled, m_proxy, &QueryPatternProxy::setShowVigil);

    auto* filters = new QHBoxLayout;
    filters->addWidget(m_filter, 1);
    filters->addWidget(m_kind);
    filters->addWidget(m_database);
    filters->addWidget(m_user);
    filters->addWidget(m_showVigil);

    // Detail pane.
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_text->setReadOnly(true);
    m_text->setFont(mono);
    m_text->setPlaceholderText(tr("Select a pattern to see its full text"));
    m_plan->setReadOnly(true);
    m_plan->setFont(mono);
    m_plan->setPlaceholderText(tr("Generic plan: the plan PostgreSQL would use for any parameter values "
                                  "(PREPARE with plan_cache_mode = force_generic_plan, EXPLAIN EXECUTE with NULLs). "
                                  "Nothing is executed."));
    m_planButton->setToolTip(tr("Ask the primary for this pattern's generic plan (Ctrl+E)"));
    m_planButton->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    auto* copy = new QPushButton(tr("Copy text"), this);
    connect(copy, &QPushButton::clicked, this, [this] { QApplication::clipboard()->setText(m_text->toPlainText()); });
    connect(m_planButton, &QPushButton::clicked, this, &QueryPatternsPage::showPlanForSelection);
    connect(&m_planWatcher, &QFutureWatcherBase::finished, this, [this] {
        const auto [plan, error] = m_planWatcher.result();
        m_plan->setPlainText(error.isEmpty() ? plan : tr("No plan: %1").arg(error));
        m_planButton->setEnabled(true);
        Q_EMIT planShown();
    });
    m_meanChart->chart()->legend()->hide();
    m_rateChart->chart()->legend()->hide();
    m_meanChart->setCompact(true);
    m_rateChart->setCompact(true);
    m_meanChart->setMinimumHeight(170);
    m_rateChart->setMinimumHeight(170);
    m_text->setMinimumHeight(60);
    m_plan->setMinimumHeight(60);

    auto* detail = new QWidget(this);
    auto* dl = new QVBoxLayout(detail);
    dl->setContentsMargins(0, 0, 0, 0);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_planButton);
    buttons->addWidget(copy);
    buttons->addStretch(1);
    dl->addWidget(m_text, 2);
    dl->addLayout(buttons);
    dl->addWidget(m_plan, 2);
    // Stacked: the pane is narrow, and two charts side by side would each be too small to read.
    dl->addWidget(m_meanChart, 2);
    dl->addWidget(m_rateChart, 2);

    auto* tableBox = new QWidget(this);
    auto* tl = new QVBoxLayout(tableBox);
    tl->setContentsMargins(0, 0, 0, 0);
    tl->addLayout(filters);
    tl->addWidget(m_table);
    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(tableBox);
    split->addWidget(detail);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setSizes({780, 480});

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_banner);
    auto* top = new QHBoxLayout;
    top->addWidget(m_summary, 1);
    top->addWidget(m_avgChart, 2);
    layout->addLayout(top);
    layout->addWidget(split, 1);

    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        m_plan->clear();
        updateDetail();
    });
    connect(insight, &InsightMonitor::statementsUpdated, this, &QueryPatternsPage::onStatements);
    m_summary->setText(tr("Waiting for the first pg_stat_statements poll of the primary…"));
}

void QueryPatternsPage::showEvent(QShowEvent* e)
{
    QWidget::showEvent(e);
    m_insight->setStatementsVisible(true);
}

void QueryPatternsPage::hideEvent(QHideEvent* e)
{
    QWidget::hideEvent(e);
    m_insight->setStatementsVisible(false); // a hidden tab polls pg_stat_statements less often
}

void QueryPatternsPage::refillCombo(QComboBox* combo, const QStringList& values)
{
    const QString current = combo->currentData().toString();
    QStringList have;
    for (int i = 1; i < combo->count(); ++i)
        have << combo->itemData(i).toString();
    if (have == values)
        return;
    const QSignalBlocker block(combo);
    while (combo->count() > 1)
        combo->removeItem(1);
    for (const QString& v : values)
        combo->addItem(v, v);
    combo->setCurrentIndex(std::max(0, combo->findData(current)));
}

void QueryPatternsPage::onStatements()
{
    const auto s = m_insight->statements();
    if (!s)
        return;
    QList<Banner::Item> items;
    if (!s->ok)
        items.append({s->diagnosis.what.isEmpty() ? s->error : s->diagnosis.toText(), {}, true});
    for (const Finding& f : s->findings)
        items.append({f.message, f.fixSql, !s->ok});
    m_banner->setItems(items);
    if (!s->ok)
        return;
    m_model->setSlowThresholdMs(m_insight->thresholdMs());
    m_model->merge(*s);
    QStringList dbs, users;
    for (const StatementEntry& e : s->entries) {
        dbs << e.database;
        users << e.user;
    }
    dbs.removeDuplicates();
    users.removeDuplicates();
    dbs.sort();
    users.sort();
    refillCombo(m_database, dbs);
    refillCombo(m_user, users);
    updateSummary(*s);
    updateDetail();
}

void QueryPatternsPage::updateSummary(const StatementsSnapshot& s)
{
    qint64 calls = 0;
    double total = 0;
    int patterns = 0, slow = 0;
    for (const StatementEntry& e : s.entries) {
        if (e.vigil)
            continue;
        ++patterns;
        calls += e.calls;
        total += e.totalMs;
        slow += e.meanMs > m_insight->thresholdMs();
    }
    const QLocale loc;
    m_summary->setText(tr("<b>%1</b> statements executed &nbsp; <b>%2</b> unique patterns &nbsp; "
                          "<b>%3 ms</b> average &nbsp; <b>%4</b> patterns over %5 ms<br><small>node %6, polled "
                          "%7, %8 bytes fetched, %9 new texts</small>")
                           .arg(loc.toString(calls))
                           .arg(patterns)
                           .arg(calls > 0 ? loc.toString(total / double(calls), 'f', 2) : QStringLiteral("–"))
                           .arg(slow)
                           .arg(m_insight->thresholdMs())
                           .arg(m_insight->node(), loc.toString(s.sampledAt.toLocalTime().time(), QLocale::ShortFormat))
                           .arg(loc.toString(s.bytesFetched))
                           .arg(s.newTexts));
    m_avgChart->setSeries({{tr("average"), m_insight->averageTime().points()}});
}

QString QueryPatternsPage::summaryText() const
{
    return m_summary->text();
}

const StatementEntry* QueryPatternsPage::selectedEntry() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return nullptr;
    return m_model->entryAt(m_proxy->mapToSource(rows.first()).row());
}

void QueryPatternsPage::updateDetail()
{
    const StatementEntry* e = selectedEntry();
    m_planButton->setEnabled(e && !m_planWatcher.isRunning());
    if (!e) {
        m_text->clear();
        m_meanChart->setSeries({});
        m_rateChart->setSeries({});
        return;
    }
    const QString text = e->text ? *e->text : QString();
    if (m_text->toPlainText() != text)
        m_text->setPlainText(text);
    const TimeSeries* mean = m_insight->meanTimeOf(e->key);
    const TimeSeries* rate = m_insight->callRateOf(e->key);
    m_meanChart->setSeries({{tr("mean"), mean ? mean->points() : QList<QPointF>()}});
    m_rateChart->setSeries({{tr("calls/s"), rate ? rate->points() : QList<QPointF>()}});
}

void QueryPatternsPage::showPlanForSelection()
{
    const StatementEntry* e = selectedEntry();
    if (!e || !e->text || m_planWatcher.isRunning())
        return;
    m_planButton->setEnabled(false);
    m_plan->setPlainText(tr("Asking %1 for the generic plan…").arg(m_insight->node()));
    const pg::ConnectOptions o = m_insight->connectOptions(e->database);
    const QString sql = *e->text;
    m_planWatcher.setFuture(QtConcurrent::run([o, sql]() -> std::pair<QString, QString> {
        pg::Connection conn;
        if (!conn.open(o))
            return {QString(), conn.lastError()};
        QString error;
        const QString plan = analysis::genericPlan(conn, sql, QStringLiteral("text"), &error);
        return {plan, error};
    }));
}

} // namespace vigil::ui
