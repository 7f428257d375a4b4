#include "scenariodialog.h"

#include "loadtest/workloads.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QSpinBox>
#include <QVBoxLayout>

namespace vigil::ui {

namespace {
QDoubleSpinBox* doubleBox(QWidget* parent, double max, const QString& suffix, const QString& offText)
{
    auto* b = new QDoubleSpinBox(parent);
    b->setRange(0, max);
    b->setDecimals(1);
    b->setSuffix(suffix);
    if (!offText.isEmpty())
        b->setSpecialValueText(offText); // shown at 0
    return b;
}
} // namespace

ScenarioDialog::ScenarioDialog(const loadtest::Scenario& start, QWidget* parent)
    : QDialog(parent)
    , m_name(new QLineEdit(this))
    , m_description(new QLineEdit(this))
    , m_users(new QSpinBox(this))
    , m_spawnRate(doubleBox(this, 10000, tr(" users/s"), tr("all at once")))
    , m_stepUsers(new QSpinBox(this))
    , m_stepSec(new QSpinBox(this))
    , m_duration(new QSpinBox(this))
    , m_think(new QSpinBox(this))
    , m_workload(new QComboBox(this))
    , m_stopErrorPct(doubleBox(this, 100, tr(" %"), tr("off")))
    , m_stopP95(doubleBox(this, 600000, tr(" ms"), tr("off")))
    , m_sloP95(doubleBox(this, 600000, tr(" ms"), tr("none")))
    , m_breakErrorPct(doubleBox(this, 100, tr(" %"), {}))
    , m_stopAtBreak(new QCheckBox(tr("End the run at the breaking point"), this))
    , m_problem(new QLabel(this))
{
    setWindowTitle(tr("Load-test scenario"));
    setMinimumWidth(520);
    m_name->setValidator(
        new QRegularExpressionValidator(QRegularExpression(QStringLiteral("[A-Za-z0-9_-]{0,64}")), m_name));
    m_name->setToolTip(tr("Letters, digits, - and _; the name of a preset saves your own version of it"));
    m_users->setRange(1, 5000);
    m_users->setToolTip(tr("Virtual users at full strength, one connection each"));
    m_spawnRate->setToolTip(tr("How fast users join; 0 = all at once (a spike)"));
    m_stepUsers->setRange(0, 5000);
    m_stepUsers->setSpecialValueText(tr("no steps"));
    m_stepUsers->setToolTip(tr("A stepped ramp (stress): this many more users every step, each step judged for "
                               "the breaking point"));
    m_stepSec->setRange(0, 24 * 3600);
    m_stepSec->setSuffix(tr(" s"));
    m_stepSec->setToolTip(tr("Length of one step of the ramp"));
    m_duration->setRange(1, 24 * 3600);
    m_duration->setSuffix(tr(" s"));
    m_think->setRange(0, 600000);
    m_think->setSuffix(tr(" ms"));
    m_think->setToolTip(tr("Pause between one user's runs of the workload"));
    m_workload->setEditable(true);
    m_workload->addItems(loadtest::builtinWorkloads());
    m_workload->setToolTip(tr("A built-in workload or the path of a pgbench-style script"));
    m_stopErrorPct->setToolTip(tr("End the run when a second's error rate passes this"));
    m_stopP95->setToolTip(tr("End the run when a second's p95 passes this"));
    m_sloP95->setToolTip(tr("The p95 objective: a step whose p95 passes it is the breaking point"));
    m_breakErrorPct->setToolTip(tr("A step whose error rate passes this is the breaking point"));
    m_problem->setWordWrap(true);

    m_name->setText(start.name);
    m_description->setText(start.description);
    m_users->setValue(start.users);
    m_spawnRate->setValue(start.spawnRate);
    m_stepUsers->setValue(start.stepUsers);
    m_stepSec->setValue(start.stepSec);
    m_duration->setValue(start.durationSec);
    m_think->setValue(start.thinkTimeMs);
    m_workload->setCurrentText(start.workload);
    m_stopErrorPct->setValue(start.stopErrorRatePct);
    m_stopP95->setValue(start.stopP95Ms);
    m_sloP95->setValue(start.sloP95Ms);
    m_breakErrorPct->setValue(start.breakErrorRatePct);
    m_stopAtBreak->setChecked(start.stopAtBreakingPoint);

    auto* form = new QFormLayout;
    form->addRow(tr("Name"), m_name);
    form->addRow(tr("Description"), m_description);
    form->addRow(tr("Users"), m_users);
    form->addRow(tr("Spawn rate"), m_spawnRate);
    form->addRow(tr("Step: more users"), m_stepUsers);
    form->addRow(tr("Step: every"), m_stepSec);
    form->addRow(tr("Duration"), m_duration);
    form->addRow(tr("Think time"), m_think);
    form->addRow(tr("Workload"), m_workload);
    form->addRow(tr("Stop: error rate over"), m_stopErrorPct);
    form->addRow(tr("Stop: p95 over"), m_stopP95);
    form->addRow(tr("SLO p95"), m_sloP95);
    form->addRow(tr("Breaking point: error rate over"), m_breakErrorPct);
    form->addRow(QString(), m_stopAtBreak);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Save)
        ->setToolTip(tr("Write it to %1 (nothing reaches a server)").arg(loadtest::userScenarioDir()));
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        if (save())
            accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_problem);
    layout->addWidget(buttons);
}

loadtest::Scenario ScenarioDialog::scenario() const
{
    loadtest::Scenario s;
    s.name = m_name->text().trimmed();
    s.description = m_description->text().trimmed();
    s.users = m_users->value();
    s.spawnRate = m_spawnRate->value();
    s.stepUsers = m_stepUsers->value();
    s.stepSec = m_stepSec->value();
    s.durationSec = m_duration->value();
    s.thinkTimeMs = m_think->value();
    s.workload = m_workload->currentText().trimmed();
    s.stopErrorRatePct = m_stopErrorPct->value();
    s.stopP95Ms = m_stopP95->value();
    s.sloP95Ms = m_sloP95->value();
    s.breakErrorRatePct = m_breakErrorPct->value();
    s.stopAtBreakingPoint = m_stopAtBreak->isChecked();
    return s;
}

bool ScenarioDialog::save()
{
    QString error;
    const loadtest::Scenario s = scenario();
    if ((s.stepUsers > 0) != (s.stepSec > 0)) {
        error = tr("A stepped ramp needs both the users per step and the step's length (or neither).");
    } else if (!loadtest::saveScenario(s, &error)) {
        // error says what: a bad name, a field out of range, or why the file could not be written
    } else {
        m_problem->clear();
        return true;
    }
    m_problem->setText(tr("Not saved: %1").arg(error));
    return false;
}

} // namespace vigil::ui
