#include "drillhistorypanel.h"

#include "models/drillrunmodel.h"
#include "store/drillstore.h"
#include "tablesetup.h"

#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLineEdit>
#include <QTableView>
#include <QVBoxLayout>

namespace vigil::ui {

DrillHistoryPanel::DrillHistoryPanel(store::LocalStore* local, QWidget* parent)
    : QWidget(parent)
    , m_store(local ? std::make_unique<store::DrillStore>(local) : nullptr)
    , m_model(new DrillRunModel(this))
    , m_table(new QTableView(this))
{
    auto* filter = new QLineEdit(this);
    filter->setPlaceholderText(tr("Filter past drills…"));
    filter->setClearButtonEnabled(true);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(filter);
    layout->addWidget(m_table);
    TableProxy* proxy = setupTable(m_table, m_model, filter);
    m_table->sortByColumn(DrillRunModel::StartedColumn, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->horizontalHeader()->setSectionResizeMode(DrillRunModel::MoveColumn, QHeaderView::Stretch);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this, proxy](const QModelIndex& current) {
                if (!current.isValid() || !m_store)
                    return;
                const QModelIndex source = proxy->mapToSource(current);
                const store::DrillRecord* rec = m_model->rowAt(source.row());
                if (!rec)
                    return;
                const drills::DrillResult r = m_store->result(rec->id);
                if (r.kind.isEmpty())
                    return;
                drills::DrillTargets t;
                if (rec->rtoTargetMs >= 0)
                    t.rtoMs = rec->rtoTargetMs;
                if (rec->rpoTargetWrites >= 0)
                    t.rpoWrites = rec->rpoTargetWrites;
                Q_EMIT chosen(r, t, rec->startedAt);
            });
}

DrillHistoryPanel::~DrillHistoryPanel() = default;

void DrillHistoryPanel::setProfile(const QString& profile)
{
    if (profile == m_profile)
        return;
    m_profile = profile;
    m_model->clear();
    reload();
}

void DrillHistoryPanel::reload()
{
    if (m_store && !m_profile.isEmpty())
        m_model->merge(m_store->list(m_profile));
}

void DrillHistoryPanel::add(const drills::DrillResult& result, const drills::DrillTargets& targets,
                            const QDateTime& startedAt)
{
    if (!m_store || m_profile.isEmpty())
        return;
    m_store->save(m_profile, startedAt, result, targets.rtoMs, targets.rpoWrites);
    reload();
}

} // namespace vigil::ui
