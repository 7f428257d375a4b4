#include "profileeditdialog.h"

#include "models/statuscolors.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

namespace vigil::ui {

namespace {
// Lists are typed as "a, b c": commas or whitespace separate entries.
QStringList splitList(const QString& text)
{
    return text.split(QRegularExpression(QStringLiteral("[,\\s]+")), Qt::SkipEmptyParts);
}
} // namespace

ProfileEditDialog::ProfileEditDialog(QWidget* parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Connection profile"));

    m_name = new QLineEdit(this);
    m_name->setToolTip(tr("A name for this cluster, shown in the profile list and the title bar."));

    m_pgTable = new QTableWidget(0, PgColumnCount, this);
    m_pgTable->setHorizontalHeaderLabels({tr("Name"), tr("Connection string"), tr("Password")});
    m_pgTable->horizontalHeader()->setSectionResizeMode(PgConninfoColumn, QHeaderView::Stretch);
    m_pgTable->verticalHeader()->hide();
    m_pgTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_pgTable->setToolTip(tr("One row per PostgreSQL server. The connection string is key=value pairs "
                             "(host=db1 port=5432 dbname=trading user=ops), a postgresql:// URI or service=NAME; "
                             "~/.pgpass and PG* variables apply. Roles (primary, replica) are discovered, not "
                             "configured."));
    m_addPg = new QPushButton(tr("Add node"), this);
    m_addPg->setToolTip(tr("Add a PostgreSQL server"));
    m_removePg = new QPushButton(tr("Remove node"), this);
    m_removePg->setToolTip(tr("Remove the selected PostgreSQL servers"));
    connect(m_addPg, &QPushButton::clicked, this, [this] { addPgRow(); });
    connect(m_removePg, &QPushButton::clicked, this, &ProfileEditDialog::removeSelectedPgRows);

    m_pgbouncer = new QLineEdit(this);
    m_pgbouncer->setToolTip(tr("Connection string for application traffic through pgbouncer (optional)."));
    m_pgbouncerPassword = passwordEdit(tr("Password for the pgbouncer connection, kept in the OS keychain."));
    m_pgbouncerAdmin = new QLineEdit(this);
    m_pgbouncerAdmin->setToolTip(tr("Connection string of pgbouncer's admin console, with dbname=pgbouncer "
                                    "(optional; used for SHOW POOLS and friends)."));
    m_pgbouncerAdminPassword = passwordEdit(tr("Password for pgbouncer's admin console, kept in the OS keychain."));

    m_redisNodes = new QLineEdit(this);
    m_redisNodes->setToolTip(tr("Redis servers as HOST:PORT, separated by commas, e.g. 10.0.0.4:6379, 10.0.0.5:6379."));
    m_sentinels = new QLineEdit(this);
    m_sentinels->setToolTip(tr("Sentinels as HOST:PORT, separated by commas. Needs the master name."));
    m_masterName = new QLineEdit(this);
    m_masterName->setToolTip(tr("The name Sentinel monitors the master under (sentinel monitor NAME ...)."));
    m_redisUser = new QLineEdit(this);
    m_redisUser->setToolTip(tr("Redis ACL user; leave empty for the default user."));
    m_redisNeedsPassword = new QCheckBox(tr("Redis needs a password"), this);
    m_redisNeedsPassword->setToolTip(tr("Look up (or ask for) a Redis password when connecting."));
    m_redisPassword = passwordEdit(tr("Redis password (AUTH), kept in the OS keychain."));
    connect(m_redisNeedsPassword, &QCheckBox::toggled, m_redisPassword, &QWidget::setEnabled);
    m_redisPassword->setEnabled(false);

    m_healthUrls = new QLineEdit(this);
    m_healthUrls->setToolTip(tr("HTTP health endpoints of the application servers, separated by commas."));
    m_prometheusUrl = new QLineEdit(this);
    m_prometheusUrl->setPlaceholderText(QStringLiteral("http://prometheus:9090"));
    m_prometheusUrl->setToolTip(tr("Optional: a Prometheus server whose active alerts (/api/v1/alerts) the Alerts tab "
                                   "shows beside Vigil's own."));
    m_readOnly = new QCheckBox(tr("Read-only"), this);
    m_readOnly->setToolTip(tr("Disable every action that changes a server (index builds, cancel, drills)."));
    m_production = new QCheckBox(tr("Production"), this);
    m_production->setToolTip(tr("Actions on this cluster need the profile name typed to confirm."));
    m_slowThreshold = new QSpinBox(this);
    m_slowThreshold->setRange(1, 3600 * 1000);
    m_slowThreshold->setSuffix(tr(" ms"));
    m_slowThreshold->setValue(1000);
    m_slowThreshold->setToolTip(tr("Statements with a mean time above this are highlighted as slow."));

    m_validation = new QLabel(this);
    m_validation->setWordWrap(true);
    m_validation->setStyleSheet(QStringLiteral("color: %1").arg(statusColor(StatusLevel::Fail).name()));
    m_validation->hide();

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &ProfileEditDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* general = new QFormLayout;
    general->addRow(tr("&Name:"), m_name);

    auto* pgBox = new QGroupBox(tr("PostgreSQL"), this);
    auto* pgLayout = new QVBoxLayout(pgBox);
    pgLayout->addWidget(m_pgTable);
    auto* pgButtons = new QHBoxLayout;
    pgButtons->addWidget(m_addPg);
    pgButtons->addWidget(m_removePg);
    pgButtons->addStretch();
    pgLayout->addLayout(pgButtons);
    auto* bouncerForm = new QFormLayout;
    auto* bouncerRow = new QHBoxLayout;
    bouncerRow->addWidget(m_pgbouncer, 3);
    bouncerRow->addWidget(m_pgbouncerPassword, 1);
    bouncerForm->addRow(tr("pgbouncer:"), bouncerRow);
    auto* adminRow = new QHBoxLayout;
    adminRow->addWidget(m_pgbouncerAdmin, 3);
    adminRow->addWidget(m_pgbouncerAdminPassword, 1);
    bouncerForm->addRow(tr("pgbouncer admin:"), adminRow);
    pgLayout->addLayout(bouncerForm);

    auto* redisBox = new QGroupBox(tr("Redis"), this);
    auto* redisForm = new QFormLayout(redisBox);
    redisForm->addRow(tr("&Redis nodes:"), m_redisNodes);
    redisForm->addRow(tr("&Sentinels:"), m_sentinels);
    redisForm->addRow(tr("&Master name:"), m_masterName);
    redisForm->addRow(tr("&User:"), m_redisUser);
    auto* redisPwRow = new QHBoxLayout;
    redisPwRow->addWidget(m_redisNeedsPassword);
    redisPwRow->addWidget(m_redisPassword, 1);
    redisForm->addRow(tr("Password:"), redisPwRow);

    auto* otherForm = new QFormLayout;
    otherForm->addRow(tr("&Health URLs:"), m_healthUrls);
    otherForm->addRow(tr("S&low threshold:"), m_slowThreshold);
    otherForm->addRow(tr("Pro&metheus:"), m_prometheusUrl);
    auto* flags = new QHBoxLayout;
    flags->addWidget(m_readOnly);
    flags->addWidget(m_production);
    flags->addStretch();
    otherForm->addRow(tr("Safety:"), flags);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(general);
    layout->addWidget(pgBox, 1);
    layout->addWidget(redisBox);
    layout->addLayout(otherForm);
    layout->addWidget(m_validation);
    layout->addWidget(m_buttons);
    resize(760, 640);

    // A fixed problem should not stay on screen: re-check while the operator edits once a
    // message is showing.
    auto revalidate = [this] {
        if (m_validation->isVisible()) {
            const QString msg = validationMessage();
            m_validation->setText(msg);
            m_validation->setVisible(!msg.isEmpty());
        }
    };
    for (QLineEdit* e : {m_name, m_pgbouncer, m_pgbouncerAdmin, m_redisNodes, m_sentinels, m_masterName})
        connect(e, &QLineEdit::textChanged, this, revalidate);
    connect(m_pgTable, &QTableWidget::itemChanged, this, revalidate);
}

QLineEdit* ProfileEditDialog::passwordEdit(const QString& tip) const
{
    auto* e = new QLineEdit(const_cast<ProfileEditDialog*>(this));
    e->setEchoMode(QLineEdit::Password);
    e->setPlaceholderText(tr("unchanged"));
    e->setToolTip(tip + QLatin1Char(' ') + tr("Leave empty to keep what is stored (or to use ~/.pgpass)."));
    return e;
}

void ProfileEditDialog::addPgRow(const QString& name, const QString& conninfo)
{
    const int row = m_pgTable->rowCount();
    m_pgTable->insertRow(row);
    m_pgTable->setItem(row, PgNameColumn,
                       new QTableWidgetItem(name.isEmpty() ? QStringLiteral("pg%1").arg(row + 1) : name));
    m_pgTable->setItem(row, PgConninfoColumn, new QTableWidgetItem(conninfo));
    m_pgTable->setCellWidget(
        row, PgPasswordColumn,
        passwordEdit(tr("Password for this PostgreSQL server, kept in the OS keychain under the node name.")));
}

QLineEdit* ProfileEditDialog::pgPasswordEdit(int row) const
{
    return qobject_cast<QLineEdit*>(m_pgTable->cellWidget(row, PgPasswordColumn));
}

void ProfileEditDialog::removeSelectedPgRows()
{
    QList<int> rows;
    for (const QModelIndex& i : m_pgTable->selectionModel()->selectedRows())
        rows << i.row();
    if (rows.isEmpty() && m_pgTable->currentRow() >= 0)
        rows << m_pgTable->currentRow();
    std::sort(rows.begin(), rows.end(), std::greater<>());
    for (int r : rows)
        m_pgTable->removeRow(r);
}

void ProfileEditDialog::setProfile(const Profile& p)
{
    m_name->setText(p.name);
    m_pgTable->setRowCount(0);
    for (const PgNode& n : p.pgNodes)
        addPgRow(n.name, n.conninfo);
    m_pgbouncer->setText(p.pgbouncer);
    m_pgbouncerAdmin->setText(p.pgbouncerAdmin);
    m_redisNodes->setText(p.redisNodes.join(QStringLiteral(", ")));
    m_sentinels->setText(p.sentinels.join(QStringLiteral(", ")));
    m_masterName->setText(p.masterName);
    m_redisUser->setText(p.redisUsername);
    m_redisNeedsPassword->setChecked(p.redisNeedsPassword);
    m_redisPassword->setEnabled(p.redisNeedsPassword);
    m_healthUrls->setText(p.healthUrls.join(QStringLiteral(", ")));
    m_prometheusUrl->setText(p.prometheusUrl);
    m_readOnly->setChecked(p.readOnly);
    m_production->setChecked(p.production);
    m_slowThreshold->setValue(p.slowThresholdMs);
    m_sandboxDir = p.sandboxDir;
    for (QLineEdit* e : {m_pgbouncerPassword, m_pgbouncerAdminPassword, m_redisPassword})
        e->clear();
    m_validation->hide();
}

Profile ProfileEditDialog::profile() const
{
    Profile p;
    p.name = m_name->text().trimmed();
    for (int r = 0; r < m_pgTable->rowCount(); ++r) {
        const QTableWidgetItem* name = m_pgTable->item(r, PgNameColumn);
        const QTableWidgetItem* conninfo = m_pgTable->item(r, PgConninfoColumn);
        p.pgNodes.append(
            {name ? name->text().trimmed() : QString(), conninfo ? conninfo->text().trimmed() : QString()});
    }
    p.pgbouncer = m_pgbouncer->text().trimmed();
    p.pgbouncerAdmin = m_pgbouncerAdmin->text().trimmed();
    p.redisNodes = splitList(m_redisNodes->text());
    p.sentinels = splitList(m_sentinels->text());
    p.masterName = m_masterName->text().trimmed();
    p.redisUsername = m_redisUser->text().trimmed();
    p.redisNeedsPassword = m_redisNeedsPassword->isChecked();
    p.healthUrls = splitList(m_healthUrls->text());
    p.prometheusUrl = m_prometheusUrl->text().trimmed();
    p.readOnly = m_readOnly->isChecked();
    p.production = m_production->isChecked();
    p.slowThresholdMs = m_slowThreshold->value();
    p.sandboxDir = m_sandboxDir;
    return p;
}

QHash<QString, QString> ProfileEditDialog::passwords() const
{
    QHash<QString, QString> out;
    for (int r = 0; r < m_pgTable->rowCount(); ++r) {
        const QLineEdit* e = pgPasswordEdit(r);
        const QTableWidgetItem* name = m_pgTable->item(r, PgNameColumn);
        if (e && name && !e->text().isEmpty())
            out.insert(name->text().trimmed(), e->text());
    }
    if (!m_pgbouncerPassword->text().isEmpty())
        out.insert(QStringLiteral("pgbouncer"), m_pgbouncerPassword->text());
    if (!m_pgbouncerAdminPassword->text().isEmpty())
        out.insert(QStringLiteral("pgbouncer-admin"), m_pgbouncerAdminPassword->text());
    if (m_redisNeedsPassword->isChecked() && !m_redisPassword->text().isEmpty())
        out.insert(QStringLiteral("redis"), m_redisPassword->text());
    return out;
}

QString ProfileEditDialog::validationMessage() const
{
    const Profile p = profile();
    if (const QString problem = p.validate(); !problem.isEmpty())
        return problem;
    QStringList seen;
    for (const PgNode& n : p.pgNodes) {
        if (seen.contains(n.name))
            return tr("Two PostgreSQL nodes are called \"%1\"; node names must be unique.").arg(n.name);
        seen << n.name;
    }
    if (m_takenNames.contains(p.name))
        return tr("A profile named \"%1\" exists already; choose another name.").arg(p.name);
    return {};
}

void ProfileEditDialog::accept()
{
    const QString message = validationMessage();
    m_validation->setText(message);
    m_validation->setVisible(!message.isEmpty());
    if (message.isEmpty())
        QDialog::accept();
}

} // namespace vigil::ui
