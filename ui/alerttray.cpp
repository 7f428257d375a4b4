#include "alerttray.h"

#include "alerts/alertmonitor.h"

#include <QIcon>
#include <QSystemTrayIcon>
#include <QTimer>

namespace vigil::ui {

AlertTray::AlertTray(alerts::AlertMonitor* monitor, QObject* parent)
    : QObject(parent)
    , m_monitor(monitor)
    , m_flush(new QTimer(this))
{
    m_flush->setSingleShot(true);
    connect(m_flush, &QTimer::timeout, this, &AlertTray::flush);
    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_icon = new QSystemTrayIcon(QIcon(QStringLiteral(":/icons/vigil.svg")), this);
        connect(m_icon, &QSystemTrayIcon::activated, this, &AlertTray::activated);
        connect(m_icon, &QSystemTrayIcon::messageClicked, this, &AlertTray::activated);
        m_icon->show();
    }
    connect(monitor, &alerts::AlertMonitor::notify, this, &AlertTray::onNotify);
    connect(monitor, &alerts::AlertMonitor::alertsChanged, this, &AlertTray::updateToolTip);
    updateToolTip();
}

AlertTray::~AlertTray() = default;

void AlertTray::updateToolTip()
{
    const int firing = m_monitor->firingCount();
    const int unhandled = m_monitor->unhandledFiringCount();
    m_toolTip = firing == 0 ? tr("Vigil: no alert firing")
                            : tr("Vigil: %n alert(s) firing", nullptr, firing)
            + (unhandled < firing ? tr(" (%1 acknowledged or silenced)").arg(firing - unhandled) : QString());
    if (m_icon)
        m_icon->setToolTip(m_toolTip);
}

void AlertTray::onNotify(const alerts::Alert& alert)
{
    m_queued.append(alert);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const qint64 since = m_lastShown.isValid() ? m_lastShown.msecsTo(now) : m_minGapMs;
    if (since >= m_minGapMs)
        flush();
    else if (!m_flush->isActive())
        m_flush->start(int(m_minGapMs - since));
}

void AlertTray::flush()
{
    // An alert acknowledged or silenced while it waited in the queue no longer notifies.
    QList<alerts::Alert> still;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const alerts::Alert& queued : std::as_const(m_queued)) {
        const auto a = m_monitor->find(queued.key);
        if (a && a->state == alerts::AlertState::Firing && !a->isAcknowledged() && !a->isSilenced(now))
            still << *a;
    }
    m_queued.clear();
    if (still.isEmpty())
        return;
    bool critical = false;
    for (const alerts::Alert& a : still)
        critical = critical || a.severity == alerts::Severity::Critical;
    const alerts::Alert& first = still.first();
    const QString title = still.size() == 1 ? tr("%1 firing: %2").arg(alerts::severityName(first.severity), first.name)
                                            : tr("%n alert(s) firing", nullptr, int(still.size()));
    QStringList lines;
    if (still.size() == 1) {
        lines << first.subject << first.detail;
        if (first.flapping)
            lines << tr("flapping: fired %n time(s) in 15 minutes; no more notifications while it flaps", nullptr,
                        int(first.firings.size()));
    } else {
        for (const alerts::Alert& a : still.mid(0, 5))
            lines << QStringLiteral("%1 (%2)%3").arg(a.name, a.subject, a.flapping ? tr(", flapping") : QString());
        if (still.size() > 5)
            lines << tr("and %n more", nullptr, int(still.size() - 5));
    }
    lines.removeAll(QString());
    const QString body = lines.join(QLatin1Char('\n'));
    m_lastShown = now;
    ++m_shown;
    if (m_icon)
        m_icon->showMessage(title, body, critical ? QSystemTrayIcon::Critical : QSystemTrayIcon::Warning);
    Q_EMIT messageShown(title, body);
}

} // namespace vigil::ui
