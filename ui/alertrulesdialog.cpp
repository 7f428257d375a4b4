#include "alertrulesdialog.h"

#include "models/alertrulemodel.h"
#include "tablesetup.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace vigil::ui {

AlertRulesDialog::AlertRulesDialog(const QList<alerts::AlertRule>& rules, const QString& path, QWidget* parent)
    : QDialog(parent)
    , m_model(new AlertRuleModel(this))
    , m_view(new QTableView(this))
{
    setWindowTitle(tr("Alert rules"));
    resize(1100, 520);
    m_model->setRules(rules);
    setupTable(m_view, m_model);
    m_view->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed
                            | QAbstractItemView::AnyKeyPressed);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setStretchLastSection(true);

    auto* hint = new QLabel(
        tr("Double-click a threshold, comparison, duration or severity to change it; uncheck a rule to turn it "
           "off. Saved as JSON in %1.")
            .arg(path.isEmpty() ? tr("memory only") : path.toHtmlEscaped()),
        this);
    hint->setWordWrap(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    QPushButton* defaults = buttons->addButton(tr("Restore defaults"), QDialogButtonBox::ResetRole);
    defaults->setToolTip(tr("The rules Vigil ships with (the file is written on Save)"));
    connect(defaults, &QPushButton::clicked, this, [this] { m_model->setRules(alerts::defaultRules()); });
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(hint);
    layout->addWidget(m_view, 1);
    layout->addWidget(buttons);
}

QList<alerts::AlertRule> AlertRulesDialog::rules() const
{
    return m_model->rules();
}

} // namespace vigil::ui
