#pragma once

#include "loadtest/scenario.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace vigil::ui {

// Edits a load-test scenario (every field of its JSON) and saves it as the operator's own, in
// the data directory beside the presets; a saved scenario of a preset's name wins over it.
// Nothing reaches a server: this only writes a file on this machine.
class ScenarioDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ScenarioDialog(const loadtest::Scenario& start, QWidget* parent = nullptr);

    loadtest::Scenario scenario() const;
    // Validates and writes the scenario; false with the reason shown in the dialog.
    bool save();
    QLineEdit* nameEdit() const { return m_name; }
    QSpinBox* usersEdit() const { return m_users; }
    QLabel* problem() const { return m_problem; }

private:
    QLineEdit* m_name;
    QLineEdit* m_description;
    QSpinBox* m_users;
    QDoubleSpinBox* m_spawnRate;
    QSpinBox* m_stepUsers;
    QSpinBox* m_stepSec;
    QSpinBox* m_duration;
    QSpinBox* m_think;
    QComboBox* m_workload;
    QDoubleSpinBox* m_stopErrorPct;
    QDoubleSpinBox* m_stopP95;
    QDoubleSpinBox* m_sloP95;
    QDoubleSpinBox* m_breakErrorPct;
    QCheckBox* m_stopAtBreak;
    QLabel* m_problem;
};

} // namespace vigil::ui
