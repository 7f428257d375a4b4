#pragma once

#include "drills/drillreport.h"

#include <QWidget>
#include <memory>

class QTableView;

namespace vigil {
class DrillRunModel;
namespace store {
class DrillStore;
class LocalStore;
} // namespace store
} // namespace vigil

namespace vigil::ui {

// Past drills of the connected profile from the local store, newest first (sortable, filterable,
// copy and CSV like every table). Choosing one shows it again in the Drills tab.
class DrillHistoryPanel : public QWidget
{
    Q_OBJECT
public:
    DrillHistoryPanel(store::LocalStore* local, QWidget* parent = nullptr);
    ~DrillHistoryPanel() override;

    void setProfile(const QString& profile);
    // Stores a finished drill and lists it (selected).
    void add(const drills::DrillResult& result, const drills::DrillTargets& targets, const QDateTime& startedAt);
    DrillRunModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }

Q_SIGNALS:
    void chosen(const vigil::drills::DrillResult& result, const vigil::drills::DrillTargets& targets,
                const QDateTime& startedAt);

private:
    void reload();

    std::unique_ptr<store::DrillStore> m_store;
    DrillRunModel* m_model;
    QTableView* m_table;
    QString m_profile;
};

} // namespace vigil::ui
