#include "checklistpanel.h"

#include "models/checklistmodel.h"
#include "tablesetup.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace vigil::ui {

ChecklistPanel::ChecklistPanel(QWidget* parent)
    : QWidget(parent)
    , m_model(new ChecklistModel(this))
    , m_since(new QComboBox(this))
    , m_refresh(new QPushButton(tr("Refresh"), this))
    , m_cancel(new QPushButton(tr("Cancel"), this))
    , m_progress(new QProgressBar(this))
    , m_verdict(new QLabel(this))
    , m_table(new QTableView(this))
{
    auto* title = new QLabel(QStringLiteral("<b>%1</b>").arg(tr("Daily checklist").toHtmlEscaped()), this);
    // The window of "alerts fired" and archiver failures. Editable: an age such as 90m or 3d, or
    // an ISO 8601 date-time, exactly as `vigil checklist --since` takes it.
    m_since->setEditable(true);
    m_since->setInsertPolicy(QComboBox::NoInsert);
    m_since->addItem(tr("last hour"), QStringLiteral("1h"));
    m_since->addItem(tr("last 24 hours"), QStringLiteral("24h"));
    m_since->addItem(tr("last 7 days"), QStringLiteral("7d"));
    m_since->setCurrentIndex(1);
    m_since->setMinimumContentsLength(14);
    m_since->setToolTip(tr("Alerts fired and WAL archiving failures count from this time: pick one, or type an age "
                           "(90m, 36h, 3d) or an ISO 8601 date-time and press Enter"));
    m_refresh->setShortcut(QKeySequence(Qt::Key_F5));
    m_refresh->setToolTip(tr("Run the checklist again now (F5): polls every node, reads the optimization report, "
                             "the catalog, pg_stat_archiver and the index advisor (stopped after 20 s)"));
    m_cancel->setShortcut(QKeySequence(Qt::Key_Escape));
    m_cancel->setToolTip(tr("Stop the running checklist (Esc); the previous results stay"));
    m_progress->setMaximumWidth(260);
    m_progress->setVisible(false);
    m_verdict->setTextFormat(Qt::PlainText);
    QFont bold = m_verdict->font();
    bold.setBold(true);
    m_verdict->setFont(bold);
    m_verdict->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_verdict->setText(tr("Not run yet: connect to a cluster."));

    m_proxy = setupTable(m_table, m_model);
    m_table->sortByColumn(-1, Qt::AscendingOrder); // the runbook's order until the operator sorts
    m_table->verticalHeader()->setVisible(false);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setWordWrap(false);
    // Eleven one-line items: compact rows, so the whole list fits beside the nodes and the chart.
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);

    auto* bar = new QHBoxLayout;
    bar->addWidget(title);
    bar->addSpacing(12);
    bar->addWidget(new QLabel(tr("Since:"), this));
    bar->addWidget(m_since);
    bar->addWidget(m_refresh);
    bar->addWidget(m_cancel);
    bar->addWidget(m_progress);
    bar->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_verdict);
    layout->addWidget(m_table, 1);

    connect(m_refresh, &QPushButton::clicked, this, &ChecklistPanel::refresh);
    connect(m_cancel, &QPushButton::clicked, this, &ChecklistPanel::cancel);
    connect(m_since, &QComboBox::activated, this, [this] {
        if (m_haveTarget)
            refresh();
    });
    connect(m_since->lineEdit(), &QLineEdit::returnPressed, this, [this] {
        if (m_haveTarget)
            refresh();
    });
    connect(&m_job, &QFutureWatcher<Outcome>::finished, this, &ChecklistPanel::onDone);
    updateButtons();
}

ChecklistPanel::~ChecklistPanel()
{
    // The job holds only copies and a QPointer to this panel; it stops at its next step and
    // delivers nowhere, so nothing here waits for it.
    if (m_cancelFlag)
        *m_cancelFlag = true;
}

void ChecklistPanel::setTarget(const cli::Target& target, const QString& storePath)
{
    m_target = target;
    m_storePath = storePath;
    m_haveTarget = true;
    m_ranForTarget = false;
    ++m_generation; // a run still going is for the previous target: its results are dropped
    if (m_job.isRunning()) {
        *m_cancelFlag = true;
        m_rerun = isVisible();
    }
    m_model->clear();
    m_verdict->setText(tr("Not run yet for %1.").arg(target.profile.name));
    updateButtons();
    if (isVisible() && !m_job.isRunning())
        refresh();
}

void ChecklistPanel::clearTarget()
{
    cancel();
    ++m_generation; // whatever is still running reports for a cluster no longer watched
    m_haveTarget = false;
    m_target = {};
    m_model->clear();
    m_progress->setVisible(false);
    m_verdict->setText(tr("Not connected."));
    updateButtons();
}

QDateTime ChecklistPanel::since() const
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    // A picked entry carries its age as data; typed text is parsed as the CLI parses --since.
    const int at = m_since->findText(m_since->currentText());
    const QString text = at >= 0 ? m_since->itemData(at).toString() : m_since->currentText();
    const QDateTime t = checklist::parseSince(text, now);
    return t.isValid() && t <= now ? t : QDateTime();
}

void ChecklistPanel::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    // The verdict's colour comes from the palette: recolour it with a light/dark switch.
    if (event->type() == QEvent::PaletteChange && m_generatedAt.isValid() && m_model->rowCount() > 0)
        updateVerdict();
}

void ChecklistPanel::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (m_haveTarget && !m_ranForTarget)
        refresh();
}

void ChecklistPanel::refresh()
{
    if (!m_haveTarget)
        return;
    if (m_job.isRunning()) {
        // One run at a time: stop this one and start again when it has returned.
        m_rerun = true;
        cancel();
        return;
    }
    const QDateTime from = since();
    if (!from.isValid()) {
        m_verdict->setText(tr("“%1” is not a time: type an age such as 24h, 90m, 7d or an ISO 8601 date-time.")
                               .arg(m_since->currentText()));
        return;
    }
    m_ranForTarget = true;
    m_cancelFlag = std::make_shared<std::atomic_bool>(false);
    const quint64 generation = ++m_generation;
    m_progress->setRange(0, 3);
    m_progress->setValue(0);
    m_progress->setFormat(tr("starting…"));
    m_progress->setVisible(true);

    checklist::ChecklistOptions options;
    options.since = from;
    options.storePath = m_storePath;
    options.cancel = nullptr; // set inside the job, from the shared flag it keeps alive
    const QPointer<ChecklistPanel> self(this);
    options.progress = [self, generation](int done, int total, const QString& step) {
        QMetaObject::invokeMethod( // NOLINT(clang-analyzer-cplusplus.NewDeleteLeaks): Qt owns the functor
            self,
            [self, generation, done, total, step] {
                if (!self || self->m_generation != generation)
                    return;
                self->m_progress->setRange(0, total);
                self->m_progress->setValue(done);
                self->m_progress->setFormat(step);
            },
            Qt::QueuedConnection);
    };
    const cli::Target target = m_target;
    const std::shared_ptr<std::atomic_bool> flag = m_cancelFlag;
    m_job.setFuture(QtConcurrent::run([target, options, flag, generation]() mutable {
        options.cancel = flag.get();
        Outcome out;
        out.generation = generation;
        out.since = options.since;
        out.generatedAt = QDateTime::currentDateTimeUtc();
        out.items = checklist::build(target, options);
        out.cancelled = *flag;
        return out;
    }));
    m_verdict->setText(tr("Checking %1…").arg(target.profile.name));
    updateButtons();
}

void ChecklistPanel::cancel()
{
    if (!m_job.isRunning() || !m_cancelFlag)
        return;
    *m_cancelFlag = true;
    m_progress->setFormat(tr("cancelling…"));
}

void ChecklistPanel::onDone()
{
    const Outcome out = m_job.result();
    m_progress->setVisible(false);
    const bool rerun = std::exchange(m_rerun, false);
    const bool current = m_haveTarget && !out.cancelled && out.generation == m_generation;
    if (current) {
        m_model->setItems(out.items);
        m_generatedAt = out.generatedAt;
        m_shownSince = out.since;
        updateVerdict();
    } else if (m_haveTarget && out.generation == m_generation) {
        m_verdict->setText(m_generatedAt.isValid()
                               ? tr("Cancelled; showing the results of %1.")
                                     .arg(QLocale().toString(m_generatedAt.toLocalTime(), QLocale::ShortFormat))
                               : tr("Cancelled before any result."));
    }
    updateButtons();
    Q_EMIT finished(current);
    if (rerun && m_haveTarget)
        refresh();
}

void ChecklistPanel::updateVerdict()
{
    const int fail = m_model->count(StatusLevel::Fail);
    const int warn = m_model->count(StatusLevel::Warn);
    const int ok = m_model->count(StatusLevel::Ok);
    QStringList failing;
    for (const checklist::ChecklistItem& i : m_model->allRows())
        if (statusFromString(i.status) == StatusLevel::Fail)
            failing << ChecklistModel::title(i);
    const QString when = QLocale().toString(m_generatedAt.toLocalTime(), QLocale::ShortFormat);
    QString text;
    if (fail > 0)
        text = tr("Needs attention: %1 failed (%2); %3 warn, %4 ok. Checked %5.")
                   .arg(fail)
                   .arg(failing.join(QStringLiteral(", ")))
                   .arg(warn)
                   .arg(ok)
                   .arg(when);
    else if (warn > 0)
        text = tr("No failure; %1 to look at (warn), %2 ok. Checked %3.").arg(warn).arg(ok).arg(when);
    else
        text = tr("All %1 checks ok. Checked %2.").arg(ok).arg(when);
    m_verdict->setText(text);
    QPalette pal = m_verdict->palette();
    pal.setColor(QPalette::WindowText,
                 fail > 0 ? statusColor(StatusLevel::Fail) : palette().color(QPalette::WindowText));
    m_verdict->setPalette(pal);
    m_verdict->setToolTip(tr("Since %1").arg(QLocale().toString(m_shownSince.toLocalTime(), QLocale::ShortFormat)));
}

void ChecklistPanel::updateButtons()
{
    const bool running = m_job.isRunning();
    m_refresh->setEnabled(m_haveTarget);
    m_cancel->setEnabled(running);
    m_cancel->setVisible(running);
}

} // namespace vigil::ui
