#pragma once

#include "connect/profile.h"

#include <QDialog>
#include <QHash>

class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace vigil::ui {

// Edits one Profile. Passwords typed here are not part of the Profile: passwords() hands them to
// the caller, which puts them in the keychain. Problems are shown inline under the form; OK only
// closes the dialog once Profile::validate() (and the name check) pass.
class ProfileEditDialog : public QDialog
{
    Q_OBJECT
public:
    enum PgColumn { PgNameColumn, PgConninfoColumn, PgPasswordColumn, PgColumnCount };

    explicit ProfileEditDialog(QWidget* parent = nullptr);

    void setProfile(const Profile& profile);
    Profile profile() const;
    // Passwords typed into the form, keyed like SecretStore: PG node name, "pgbouncer",
    // "pgbouncer-admin", "redis". Empty fields are left out (they keep what is stored).
    QHash<QString, QString> passwords() const;
    // Names that the profile must not take (the other profiles), so Add cannot overwrite.
    void setTakenNames(const QStringList& names) { m_takenNames = names; }
    // Empty when the form is acceptable; otherwise the message shown inline.
    QString validationMessage() const;

    void addPgRow(const QString& name = {}, const QString& conninfo = {});

    // For tests and callers that drive the form.
    QLineEdit* nameEdit() const { return m_name; }
    QTableWidget* pgTable() const { return m_pgTable; }
    QLineEdit* pgPasswordEdit(int row) const;
    QPushButton* addPgButton() const { return m_addPg; }
    QPushButton* removePgButton() const { return m_removePg; }
    QLineEdit* pgbouncerEdit() const { return m_pgbouncer; }
    QLineEdit* pgbouncerPasswordEdit() const { return m_pgbouncerPassword; }
    QLineEdit* pgbouncerAdminEdit() const { return m_pgbouncerAdmin; }
    QLineEdit* pgbouncerAdminPasswordEdit() const { return m_pgbouncerAdminPassword; }
    QLineEdit* redisNodesEdit() const { return m_redisNodes; }
    QLineEdit* sentinelsEdit() const { return m_sentinels; }
    QLineEdit* masterNameEdit() const { return m_masterName; }
    QLineEdit* redisUserEdit() const { return m_redisUser; }
    QCheckBox* redisNeedsPasswordCheck() const { return m_redisNeedsPassword; }
    QLineEdit* redisPasswordEdit() const { return m_redisPassword; }
    QLineEdit* healthUrlsEdit() const { return m_healthUrls; }
    QLineEdit* prometheusUrlEdit() const { return m_prometheusUrl; }
    QCheckBox* readOnlyCheck() const { return m_readOnly; }
    QCheckBox* productionCheck() const { return m_production; }
    QSpinBox* slowThresholdSpin() const { return m_slowThreshold; }
    QLabel* validationLabel() const { return m_validation; }
    QDialogButtonBox* buttonBox() const { return m_buttons; }

public slots:
    void accept() override;

private:
    QLineEdit* passwordEdit(const QString& tip) const;
    void removeSelectedPgRows();

    QLineEdit* m_name = nullptr;
    QTableWidget* m_pgTable = nullptr;
    QPushButton* m_addPg = nullptr;
    QPushButton* m_removePg = nullptr;
    QLineEdit* m_pgbouncer = nullptr;
    QLineEdit* m_pgbouncerPassword = nullptr;
    QLineEdit* m_pgbouncerAdmin = nullptr;
    QLineEdit* m_pgbouncerAdminPassword = nullptr;
    QLineEdit* m_redisNodes = nullptr;
    QLineEdit* m_sentinels = nullptr;
    QLineEdit* m_masterName = nullptr;
    QLineEdit* m_redisUser = nullptr;
    QCheckBox* m_redisNeedsPassword = nullptr;
    QLineEdit* m_redisPassword = nullptr;
    QLineEdit* m_healthUrls = nullptr;
    QLineEdit* m_prometheusUrl = nullptr;
    QCheckBox* m_readOnly = nullptr;
    QCheckBox* m_production = nullptr;
    QSpinBox* m_slowThreshold = nullptr;
    QLabel* m_validation = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
    QStringList m_takenNames;
    QString m_sandboxDir; // not editable; kept so an edited sandbox profile stays one
};

} // namespace vigil::ui
