#include "profiledialog.h"

#include "models/statuscolors.h"
#include "profileeditdialog.h"

#include <QDialogButtonBox>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace vigil::ui {

ProfileDialog::ProfileDialog(QWidget* parent)
    : QDialog(parent)
    , m_secrets(new SecretStore(this))
{
    setWindowTitle(tr("Connection profiles"));

    m_list = new QListWidget(this);
    m_list->setToolTip(tr("Saved clusters. Double-click to connect."));
    m_add = new QPushButton(tr("&Add…"), this);
    m_add->setToolTip(tr("Create a new profile"));
    m_edit = new QPushButton(tr("&Edit…"), this);
    m_edit->setToolTip(tr("Change the selected profile"));
    m_delete = new QPushButton(tr("&Delete"), this);
    m_delete->setToolTip(tr("Delete the selected profile and its stored passwords"));
    m_test = new QPushButton(tr("&Test connection"), this);
    m_test->setToolTip(tr("Connect to every server of the selected profile and report what works"));
    m_import = new QPushButton(tr("&Import…"), this);
    m_import->setToolTip(tr("Read profiles from a JSON file (passwords are never part of it)"));
    m_export = new QPushButton(tr("E&xport…"), this);
    m_export->setToolTip(tr("Write the selected profile to a JSON file, without passwords"));

    m_results = new QTreeWidget(this);
    m_results->setColumnCount(ResultColumnCount);
    m_results->setHeaderLabels({tr("Node"), tr("Kind"), tr("Result"), tr("Details")});
    m_results->setRootIsDecorated(false);
    m_results->setWordWrap(true);
    m_results->header()->setStretchLastSection(true);
    m_results->setToolTip(tr("Result of the last connection test; failures say what, why and what to do."));
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 0); // busy indicator: the checks run in parallel, there is no fraction
    m_progress->setTextVisible(false);
    m_progress->hide();
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton* connectButton = m_buttons->addButton(tr("&Connect"), QDialogButtonBox::AcceptRole);
    connectButton->setToolTip(tr("Open the console on the selected profile"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* side = new QVBoxLayout;
    for (QPushButton* b : {m_add, m_edit, m_delete, m_test, m_import, m_export})
        side->addWidget(b);
    side->addStretch();
    auto* top = new QHBoxLayout;
    top->addWidget(m_list, 1);
    top->addLayout(side);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top, 1);
    layout->addWidget(m_progress);
    layout->addWidget(m_results, 1);
    layout->addWidget(m_status);
    layout->addWidget(m_buttons);
    resize(820, 560);

    connect(m_add, &QPushButton::clicked, this, &ProfileDialog::addProfile);
    connect(m_edit, &QPushButton::clicked, this, &ProfileDialog::editSelected);
    connect(m_delete, &QPushButton::clicked, this, [this] { deleteSelected(true); });
    connect(m_test, &QPushButton::clicked, this, &ProfileDialog::testSelected);
    connect(m_import, &QPushButton::clicked, this, [this] {
        auto* fd = new QFileDialog(this, tr("Import profiles"), {}, tr("Profiles (*.json);;All files (*)"));
        fd->setAttribute(Qt::WA_DeleteOnClose);
        fd->setFileMode(QFileDialog::ExistingFile);
        connect(fd, &QFileDialog::fileSelected, this, [this](const QString& path) {
            QString error;
            if (!importFile(path, &error))
                showStatus(error, true);
        });
        fd->open();
    });
    connect(m_export, &QPushButton::clicked, this, [this] {
        const QString name = selectedProfile();
        auto* fd = new QFileDialog(this, tr("Export profile"), name + QStringLiteral(".json"),
                                   tr("Profiles (*.json);;All files (*)"));
        fd->setAttribute(Qt::WA_DeleteOnClose);
        fd->setAcceptMode(QFileDialog::AcceptSave);
        fd->setDefaultSuffix(QStringLiteral("json"));
        connect(fd, &QFileDialog::fileSelected, this, [this, name](const QString& path) {
            QString error;
            if (!exportFile(path, name.isEmpty() ? QStringList() : QStringList {name}, &error))
                showStatus(error, true);
        });
        fd->open();
    });
    connect(m_list, &QListWidget::currentRowChanged, this, &ProfileDialog::updateButtons);
    connect(m_list, &QListWidget::itemDoubleClicked, this, &QDialog::accept);

    connect(&m_watcher, &QFutureWatcher<QList<CheckResult>>::finished, this, [this] {
        m_progress->hide();
        updateButtons();
        const QList<CheckResult> results = m_watcher.result();
        showResults(results);
        emit testFinished(results);
    });

    connect(m_secrets, &SecretStore::readFinished, this,
            [this](const QString& profile, const QString& node, SecretStore::Status status, const QString& secret,
                   const QString& message) {
                if (m_pendingReads == 0 || profile != m_testProfile.name)
                    return; // an answer for a test that was superseded
                if (status == SecretStore::Status::Ok)
                    m_testPasswords.insert(node, secret);
                else if (status == SecretStore::Status::Unavailable && m_keychainNote.isEmpty())
                    m_keychainNote = message;
                if (--m_pendingReads == 0)
                    startCheck(m_testGeneration);
            });
    connect(m_secrets, &SecretStore::writeFinished, this,
            [this](const QString& profile, const QString& node, SecretStore::Status status, const QString& message) {
                if (status != SecretStore::Status::Ok && m_writeProblem.isEmpty())
                    m_writeProblem
                        = tr("%1. The password for %2 was not stored; Vigil will ask for it when connecting.")
                              .arg(message, node);
                if (m_pendingWrites > 0 && --m_pendingWrites == 0) {
                    if (!m_writeProblem.isEmpty())
                        showStatus(m_writeProblem, true);
                    else
                        showStatus(tr("Saved \"%1\"; passwords are in the OS keychain.").arg(profile));
                    emit secretsSaved(profile, m_writeProblem);
                }
            });

    reload();
}

ProfileDialog::~ProfileDialog()
{
    // A running check holds only copies; wait for it so no thread outlives the watcher.
    m_watcher.waitForFinished();
}

void ProfileDialog::reload()
{
    const QString current = selectedProfile();
    m_list->clear();
    m_list->addItems(m_store.names());
    selectProfile(current);
    if (m_list->currentRow() < 0 && m_list->count() > 0)
        m_list->setCurrentRow(0);
    updateButtons();
}

QString ProfileDialog::selectedProfile() const
{
    const QListWidgetItem* item = m_list->currentItem();
    return item ? item->text() : QString();
}

void ProfileDialog::selectProfile(const QString& name)
{
    const QList<QListWidgetItem*> found = m_list->findItems(name, Qt::MatchExactly);
    if (!found.isEmpty())
        m_list->setCurrentItem(found.first());
}

void ProfileDialog::updateButtons()
{
    const bool selected = m_list->currentItem() != nullptr;
    m_edit->setEnabled(selected);
    m_delete->setEnabled(selected);
    m_test->setEnabled(selected && !isTesting());
    m_export->setEnabled(m_list->count() > 0);
    for (QAbstractButton* b : m_buttons->buttons())
        if (m_buttons->buttonRole(b) == QDialogButtonBox::AcceptRole)
            b->setEnabled(selected);
}

void ProfileDialog::showStatus(const QString& text, bool problem)
{
    m_status->setText(text);
    m_status->setStyleSheet(problem ? QStringLiteral("color: %1").arg(statusColor(StatusLevel::Fail).name())
                                    : QString());
}

void ProfileDialog::addProfile()
{
    Profile p;
    p.pgNodes.append({QStringLiteral("pg1"), QStringLiteral("host=localhost port=5432 dbname=postgres")});
    openEditor(p, {});
    m_editor->nameEdit()->clear();
}

void ProfileDialog::editSelected()
{
    const std::optional<Profile> p = m_store.load(selectedProfile());
    if (!p) {
        showStatus(tr("The profile \"%1\" is gone; the list was reloaded.").arg(selectedProfile()), true);
        reload();
        return;
    }
    openEditor(*p, p->name);
}

void ProfileDialog::openEditor(const Profile& profile, const QString& previousName)
{
    if (m_editor)
        m_editor->close();
    m_editor = new ProfileEditDialog(this);
    m_editor->setAttribute(Qt::WA_DeleteOnClose);
    m_editor->setProfile(profile);
    QStringList taken = m_store.names();
    taken.removeAll(previousName);
    m_editor->setTakenNames(taken);
    connect(m_editor, &QDialog::accepted, this, [this, previousName] {
        QString error;
        if (!saveProfile(m_editor->profile(), m_editor->passwords(), previousName, &error))
            showStatus(error, true);
    });
    m_editor->open();
}

bool ProfileDialog::saveProfile(const Profile& profile, const QHash<QString, QString>& passwords,
                                const QString& previousName, QString* error)
{
    QString saveError;
    QHash<QString, QString> secrets;
    Profile stored;
    if (!m_store.save(profile, &saveError, &secrets, &stored)) {
        if (error)
            *error = saveError;
        return false;
    }
    // Typed passwords win over ones pasted inline into a connection string.
    for (auto it = passwords.cbegin(); it != passwords.cend(); ++it)
        secrets.insert(it.key(), it.value());
    if (!previousName.isEmpty() && previousName != stored.name) {
        // A rename: the old entry goes, and so do its keychain items (their keys carry the name).
        if (const std::optional<Profile> old = m_store.load(previousName)) {
            for (const QString& node : old->secretNodes())
                m_secrets->remove(previousName, node);
        }
        m_store.remove(previousName);
    }
    reload();
    selectProfile(stored.name);
    if (secrets.isEmpty()) {
        showStatus(tr("Saved \"%1\".").arg(stored.name));
        emit secretsSaved(stored.name, {});
        return true;
    }
    m_writeProblem.clear();
    m_pendingWrites = int(secrets.size());
    showStatus(tr("Saving passwords to the OS keychain…"));
    for (auto it = secrets.cbegin(); it != secrets.cend(); ++it)
        m_secrets->write(stored.name, it.key(), it.value());
    return true;
}

void ProfileDialog::deleteSelected(bool confirm)
{
    const QString name = selectedProfile();
    if (name.isEmpty())
        return;
    auto doDelete = [this, name] {
        if (const std::optional<Profile> p = m_store.load(name)) {
            for (const QString& node : p->secretNodes())
                m_secrets->remove(name, node);
        }
        m_store.remove(name);
        reload();
        showStatus(tr("Deleted \"%1\".").arg(name));
    };
    if (!confirm) {
        doDelete();
        return;
    }
    auto* box = new QMessageBox(
        QMessageBox::Question, tr("Delete profile"),
        tr("Delete the profile \"%1\" and its stored passwords? The servers are not touched.").arg(name),
        QMessageBox::Yes | QMessageBox::Cancel, this);
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [box, doDelete](int) {
        if (box->clickedButton() == box->button(QMessageBox::Yes))
            doDelete();
    });
    box->open();
}

bool ProfileDialog::isTesting() const
{
    return m_pendingReads > 0 || m_watcher.isRunning();
}

void ProfileDialog::testSelected()
{
    if (isTesting())
        return;
    const std::optional<Profile> p = m_store.load(selectedProfile());
    if (!p)
        return;
    m_testProfile = *p;
    m_testPasswords.clear();
    m_keychainNote.clear();
    m_results->clear();
    m_progress->show();
    showStatus(tr("Testing \"%1\"…").arg(p->name));
    ++m_testGeneration;
    const QStringList nodes = p->secretNodes();
    m_pendingReads = int(nodes.size());
    updateButtons();
    if (nodes.isEmpty()) {
        startCheck(m_testGeneration);
        return;
    }
    for (const QString& node : nodes)
        m_secrets->read(p->name, node);
}

void ProfileDialog::startCheck(quint64 generation)
{
    if (generation != m_testGeneration)
        return;
    m_pendingReads = 0;
    if (!m_keychainNote.isEmpty())
        showStatus(tr("%1. Testing without stored passwords (~/.pgpass still applies).").arg(m_keychainNote), true);
    // Copies go to the worker: it must not touch this dialog.
    m_watcher.setFuture(QtConcurrent::run(checkProfile, m_testProfile, m_testPasswords, m_timeoutSec));
    updateButtons();
}

void ProfileDialog::showResults(const QList<CheckResult>& results)
{
    m_results->clear();
    int failed = 0;
    for (const CheckResult& r : results) {
        auto* item = new QTreeWidgetItem(m_results);
        item->setText(NodeColumn, r.node);
        item->setText(KindColumn, r.kind);
        item->setText(StatusColumn, r.ok ? tr("ok") : tr("failed"));
        item->setForeground(StatusColumn, statusColor(r.ok ? StatusLevel::Ok : StatusLevel::Fail));
        item->setText(DetailColumn, r.ok ? r.summary : r.diagnosis.toText().simplified());
        item->setToolTip(
            DetailColumn,
            r.ok ? r.summary
                 : tr("What: %1\nWhy: %2\nTo do: %3").arg(r.diagnosis.what, r.diagnosis.why, r.diagnosis.todo));
        failed += r.ok ? 0 : 1;
    }
    m_results->resizeColumnToContents(NodeColumn);
    m_results->resizeColumnToContents(KindColumn);
    m_results->resizeColumnToContents(StatusColumn);
    const QString summary = failed == 0 ? tr("All %n server(s) answered.", nullptr, int(results.size()))
                                        : tr("%1 of %2 server(s) failed.").arg(failed).arg(results.size());
    showStatus(m_keychainNote.isEmpty() ? summary : m_keychainNote + QStringLiteral(". ") + summary, failed > 0);
}

bool ProfileDialog::importFile(const QString& path, QString* error)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        if (error)
            *error = tr("Cannot read %1: %2").arg(path, f.errorString());
        return false;
    }
    QString importError;
    QStringList skipped;
    QHash<QString, QString> inlineSecrets;
    const QStringList imported = m_store.importJson(f.readAll(), &importError, false, &skipped, &inlineSecrets);
    // Passwords found inline in the file go to the keychain like the editor's do.
    m_writeProblem.clear();
    m_pendingWrites = int(inlineSecrets.size());
    for (auto it = inlineSecrets.cbegin(); it != inlineSecrets.cend(); ++it) {
        const qsizetype slash = it.key().indexOf(QLatin1Char('/'));
        m_secrets->write(it.key().left(slash), it.key().mid(slash + 1), it.value());
    }
    reload();
    if (!imported.isEmpty())
        selectProfile(imported.first());
    if (!importError.isEmpty()) {
        if (error)
            *error = importError;
        return false;
    }
    QString text = tr("Imported %n profile(s).", nullptr, int(imported.size()));
    if (!skipped.isEmpty())
        text += QLatin1Char(' ') + tr("Skipped (a profile with that name exists): %1.").arg(skipped.join(", "));
    showStatus(text);
    return true;
}

bool ProfileDialog::exportFile(const QString& path, const QStringList& names, QString* error)
{
    const QByteArray json = m_store.exportJson(names);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(json) != json.size()) {
        if (error)
            *error = tr("Cannot write %1: %2").arg(path, f.errorString());
        return false;
    }
    showStatus(tr("Exported to %1 (without passwords).").arg(path));
    return true;
}

} // namespace vigil::ui
