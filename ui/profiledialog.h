#pragma once

#include "connect/connectioncheck.h"
#include "connect/profilestore.h"
#include "connect/secretstore.h"
#include "profileeditdialog.h"

#include <QDialog>
#include <QFutureWatcher>
#include <QPointer>

class QDialogButtonBox;
class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QTreeWidget;

namespace vigil::ui {

// The profile list: add, edit, delete (confirmed), test connection, import, export. Accepting
// the dialog (Connect or a double click) chooses selectedProfile(). Nothing here blocks the GUI
// thread: keychain jobs are asynchronous, the connection test runs on the thread pool, and the
// sub-dialogs are opened window-modal with open(), not exec().
class ProfileDialog : public QDialog
{
    Q_OBJECT
public:
    enum ResultColumn { NodeColumn, KindColumn, StatusColumn, DetailColumn, ResultColumnCount };

    explicit ProfileDialog(QWidget* parent = nullptr);
    ~ProfileDialog() override;

    QString selectedProfile() const;
    void selectProfile(const QString& name);
    void reload();

    // Opens the editor (new or for the selected profile); the current one stays reachable via
    // editDialog() until it closes.
    void addProfile();
    void editSelected();
    // Asks for confirmation first unless confirm is false.
    void deleteSelected(bool confirm = true);
    // Reads the profile's passwords from the keychain, then checks every server off the GUI thread;
    // emits testFinished.
    void testSelected();
    bool isTesting() const;
    bool importFile(const QString& path, QString* error = nullptr);
    bool exportFile(const QString& path, const QStringList& names, QString* error = nullptr);
    // Stores an edited profile and its passwords (the editor's OK does this).
    bool saveProfile(const Profile& profile, const QHash<QString, QString>& passwords, const QString& previousName,
                     QString* error = nullptr);

    int testTimeoutSec() const { return m_timeoutSec; }
    void setTestTimeoutSec(int sec) { m_timeoutSec = sec; }

    QListWidget* list() const { return m_list; }
    QTreeWidget* results() const { return m_results; }
    QLabel* statusLabel() const { return m_status; }
    QProgressBar* progress() const { return m_progress; }
    ProfileEditDialog* editDialog() const { return m_editor; }
    QPushButton* addButton() const { return m_add; }
    QPushButton* editButton() const { return m_edit; }
    QPushButton* deleteButton() const { return m_delete; }
    QPushButton* testButton() const { return m_test; }
    QPushButton* importButton() const { return m_import; }
    QPushButton* exportButton() const { return m_export; }

signals:
    void testFinished(const QList<vigil::CheckResult>& results);
    // Every keychain write for a save has been answered; message is empty when all went in.
    void secretsSaved(const QString& profile, const QString& message);

private:
    void updateButtons();
    void openEditor(const Profile& profile, const QString& previousName);
    void showStatus(const QString& text, bool problem = false);
    void startCheck(quint64 generation);
    void showResults(const QList<CheckResult>& results);

    ProfileStore m_store;
    SecretStore* m_secrets = nullptr;
    QListWidget* m_list = nullptr;
    QTreeWidget* m_results = nullptr;
    QLabel* m_status = nullptr;
    QProgressBar* m_progress = nullptr;
    QPushButton* m_add = nullptr;
    QPushButton* m_edit = nullptr;
    QPushButton* m_delete = nullptr;
    QPushButton* m_test = nullptr;
    QPushButton* m_import = nullptr;
    QPushButton* m_export = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
    QPointer<ProfileEditDialog> m_editor;
    QFutureWatcher<QList<CheckResult>> m_watcher;
    int m_timeoutSec = 3;

    // The test in progress: a generation id makes late keychain answers of an earlier test harmless.
    quint64 m_testGeneration = 0;
    Profile m_testProfile;
    QHash<QString, QString> m_testPasswords;
    int m_pendingReads = 0;
    QString m_keychainNote;
    // Keychain writes of the last save still outstanding, and what went wrong with them.
    int m_pendingWrites = 0;
    QString m_writeProblem;
};

} // namespace vigil::ui
