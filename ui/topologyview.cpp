#include "topologyview.h"

#include "models/keyedtablemodel.h"
#include "monitor/replicationview.h"
#include "topologyitems.h"

#include <QGraphicsScene>
#include <QLocale>
#include <QMouseEvent>
#include <QSet>

namespace vigil::ui {

namespace {
constexpr qreal kRowGap = 130;
constexpr qreal kColGap = 175;
constexpr qreal kRedisX = 480; // the Redis group's centre, right of the PostgreSQL group

const QColor kUp(0xd9, 0xf2, 0xe0);
const QColor kDegraded(0xfb, 0xe3, 0xb8);
const QColor kDown(0xf6, 0xc6, 0xc6);
const QColor kUnknown(0xe6, 0xe6, 0xe6);

qreal spread(int i, int n)
{
    return (qreal(i) - qreal(n - 1) / 2.0) * kColGap;
}
} // namespace

TopologyView::TopologyView(QWidget* parent)
    : QGraphicsView(parent)
    , m_scene(new QGraphicsScene(this))
{
    setScene(m_scene);
    setRenderHint(QPainter::Antialiasing);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setMinimumSize(420, 260);
    setToolTip(tr("Live topology: colours show health, arrows show replication with its lag; double-click a node "
                  "to select it in the tables"));
}

TopologyView::~TopologyView() = default;

TopologyNodeItem* TopologyView::nodeItem(const QString& name, NodeKind kind)
{
    if (auto* item = m_nodes.value(name))
        return item;
    auto* item = new TopologyNodeItem(name, kind);
    m_scene->addItem(item);
    m_nodes.insert(name, item);
    for (auto* arrow : std::as_const(m_arrows))
        arrow->adjust();
    connect(item, &QGraphicsObject::xChanged, this, [this, item] {
        for (auto* a : std::as_const(m_arrows))
            if (a->from() == item || a->to() == item)
                a->adjust();
    });
    connect(item, &QGraphicsObject::yChanged, this, [this, item] {
        for (auto* a : std::as_const(m_arrows))
            if (a->from() == item || a->to() == item)
                a->adjust();
    });
    return item;
}

void TopologyView::clear()
{
    m_arrows.clear();
    m_nodes.clear();
    m_scene->clear();
    m_pgPrimary.clear();
    m_redisMaster.clear();
}

void TopologyView::setNodes(const QStringList& names, const QList<NodeKind>& kinds)
{
    clear();
    QList<NodeSnapshot> placeholders;
    for (int i = 0; i < names.size(); ++i) {
        NodeSnapshot s;
        s.node = names[i];
        s.kind = kinds.value(i);
        placeholders << s;
        nodeItem(s.node, s.kind)->setState(tr("connecting…"), {}, kUnknown, int(Health::Unknown));
    }
    layoutNodes(placeholders);
    fit();
}

void TopologyView::layoutNodes(const QList<NodeSnapshot>& snaps)
{
    // The current primary / master; while none is reachable the last known one keeps its place,
    // so a drill shows the old primary down where it was.
    const QString pg = pgPrimaryName(snaps);
    if (!pg.isEmpty() || !m_nodes.contains(m_pgPrimary))
        m_pgPrimary = pg;
    const QString redis = redisMasterName(snaps);
    if (!redis.isEmpty() || !m_nodes.contains(m_redisMaster))
        m_redisMaster = redis;

    QStringList pgReplicas, redisReplicas, sentinels;
    QString bouncer;
    for (const NodeSnapshot& s : snaps) {
        switch (s.kind) {
        case NodeKind::Postgres:
            if (s.node != m_pgPrimary)
                pgReplicas << s.node;
            break;
        case NodeKind::PgBouncer:
            bouncer = s.node;
            break;
        case NodeKind::Redis:
            if (s.node != m_redisMaster)
                redisReplicas << s.node;
            break;
        case NodeKind::Sentinel:
            sentinels << s.node;
            break;
        }
    }
    if (auto* b = m_nodes.value(bouncer))
        b->moveTo(QPointF(0, 0));
    if (auto* p = m_nodes.value(m_pgPrimary))
        p->moveTo(QPointF(0, kRowGap));
    for (int i = 0; i < pgReplicas.size(); ++i)
        if (auto* r = m_nodes.value(pgReplicas[i]))
            r->moveTo(QPointF(spread(i, int(pgReplicas.size())), 2 * kRowGap));
    for (int i = 0; i < sentinels.size(); ++i)
        if (auto* s = m_nodes.value(sentinels[i]))
            s->moveTo(QPointF(kRedisX + spread(i, int(sentinels.size())), 0));
    if (auto* m = m_nodes.value(m_redisMaster))
        m->moveTo(QPointF(kRedisX, kRowGap));
    for (int i = 0; i < redisReplicas.size(); ++i)
        if (auto* r = m_nodes.value(redisReplicas[i]))
            r->moveTo(QPointF(kRedisX + spread(i, int(redisReplicas.size())), 2 * kRowGap));
}

void TopologyView::setSnapshots(const QList<NodeSnapshot>& snaps)
{
    const QLocale loc;
    QHash<QString, const NodeSnapshot*> byName;
    for (const NodeSnapshot& s : snaps)
        byName.insert(s.node, &s);
    layoutNodes(snaps);

    const QList<PgReplicaRow> pgRows = pgReplicaRows(snaps);
    const QList<RedisReplicationRow> redisRows = redisReplicationRows(snaps);
    auto pgRow = [&](const QString& name) -> const PgReplicaRow* {
        for (const PgReplicaRow& r : pgRows)
            if (r.name == name)
                return &r;
        return nullptr;
    };

    QList<ArrowSpec> arrows;
    for (const NodeSnapshot& s : snaps) {
        TopologyNodeItem* item = nodeItem(s.node, s.kind);
        if (!s.reachable) {
            const bool everSeen = s.sampledAt.isValid();
            item->setState(everSeen ? tr("down") : tr("connecting…"),
                           s.diagnosis.what.isEmpty() ? s.lastError : s.diagnosis.what, everSeen ? kDown : kUnknown,
                           int(everSeen ? Health::Down : Health::Unknown));
            continue;
        }
        QString detail;
        Health health = Health::Up;
        switch (s.kind) {
        case NodeKind::Postgres:
            if (s.role == NodeRole::Primary) {
                detail = tr("%1 of %2 standbys streaming").arg(s.replicasStreaming).arg(s.replicasTotal);
            } else {
                const PgReplicaRow* r = pgRow(s.node);
                detail = s.receiverStatus.isEmpty() ? tr("no WAL receiver") : tr("receiver %1").arg(s.receiverStatus);
                if (!r || !r->hasSender || r->sender.state != QLatin1String("streaming"))
                    health = Health::Degraded;
            }
            break;
        case NodeKind::PgBouncer:
            detail = tr("%1 clients, %2 waiting").arg(s.clients).arg(s.clientsWaiting);
            break;
        case NodeKind::Redis:
            if (s.role == NodeRole::Master) {
                detail = tr("%n replica(s)", nullptr, s.redisReplicas);
            } else {
                detail = tr("link %1").arg(s.masterLink);
                if (s.masterLink != QLatin1String("up"))
                    health = Health::Degraded;
            }
            if (hasValue(s.opsPerSec))
                detail += tr(", %1 ops/s").arg(loc.toString(s.opsPerSec, 'f', 0));
            break;
        case NodeKind::Sentinel:
            detail = s.quorumOk ? tr("quorum ok") : tr("quorum NOT reached");
            if (!s.quorumOk)
                health = Health::Degraded;
            break;
        }
        const QColor fill = health == Health::Up ? kUp : kDegraded;
        item->setState(roleName(s.role), detail, fill, int(health));
    }

    // pgbouncer in front of the primary.
    for (const NodeSnapshot& s : snaps) {
        if (s.kind != NodeKind::PgBouncer || m_pgPrimary.isEmpty())
            continue;
        const NodeSnapshot* primary = byName.value(m_pgPrimary);
        arrows.append({s.node, m_pgPrimary, s.reachable ? tr("%n client(s)", nullptr, s.clients) : tr("down"),
                       !s.reachable || !primary || !primary->reachable, false});
    }
    // WAL from the primary to each standby.
    for (const PgReplicaRow& r : pgRows) {
        if (m_pgPrimary.isEmpty() || !m_nodes.contains(r.name))
            continue;
        QString label;
        if (r.hasSender)
            label = tr("%1 · replay %2 · %3 behind")
                        .arg(r.sender.state, replfmt::lagTime(r.sender.replayLagSec),
                             hasValue(r.sender.replayLagBytes) ? replfmt::bytes(r.sender.replayLagBytes) : tr("?"));
        else
            label = tr("not streaming");
        arrows.append(
            {m_pgPrimary, r.name, label, !r.hasSender || r.sender.state != QLatin1String("streaming"), false});
    }
    // Redis master to replicas.
    for (const RedisReplicationRow& r : redisRows) {
        if (m_redisMaster.isEmpty() || r.node == m_redisMaster)
            continue;
        const bool linked = r.reachable && r.role == NodeRole::Replica && r.linkStatus == QLatin1String("up");
        QString label = !r.reachable      ? tr("down")
            : r.role != NodeRole::Replica ? tr("%1, not replicating").arg(roleName(r.role))
            : r.lagOffset >= 0            ? tr("lag %1 B").arg(loc.toString(r.lagOffset))
                                          : tr("link %1").arg(r.linkStatus);
        arrows.append({m_redisMaster, r.node, label, !linked, false});
    }
    // Sentinels watching the master.
    for (const NodeSnapshot& s : snaps) {
        if (s.kind != NodeKind::Sentinel || m_redisMaster.isEmpty())
            continue;
        const NodeSnapshot* master = byName.value(m_redisMaster);
        const bool agrees = s.reachable && master && s.masterAddress == master->address;
        arrows.append({s.node, m_redisMaster, agrees || !s.reachable ? QString() : tr("names %1").arg(s.masterAddress),
                       !agrees, true});
    }
    syncArrows(arrows);
    fit();
}

void TopologyView::syncArrows(const QList<ArrowSpec>& specs)
{
    QSet<QString> wanted;
    for (const ArrowSpec& spec : specs) {
        auto* from = m_nodes.value(spec.from);
        auto* to = m_nodes.value(spec.to);
        if (!from || !to)
            continue;
        const QString key = arrowKey(spec.from, spec.to);
        wanted.insert(key);
        TopologyArrowItem* arrow = m_arrows.value(key);
        if (!arrow) {
            arrow = new TopologyArrowItem(from, to, spec.watch);
            m_scene->addItem(arrow);
            m_arrows.insert(key, arrow);
        }
        arrow->setLabel(spec.label);
        arrow->setBroken(spec.broken || m_forcedBroken.value(key));
    }
    for (auto it = m_arrows.begin(); it != m_arrows.end();) {
        if (!wanted.contains(it.key())) {
            delete it.value();
            it = m_arrows.erase(it);
        } else {
            ++it;
        }
    }
}

void TopologyView::fit()
{
    // Fit what is there (nodes plus arrow labels), with a margin, so the picture fills the view.
    QRectF all;
    for (auto* item : std::as_const(m_nodes))
        all |= item->sceneBoundingRect();
    for (auto* arrow : std::as_const(m_arrows))
        all |= arrow->labelRect();
    if (all.isEmpty())
        return;
    all.adjust(-20, -30, 20, 20);
    m_scene->setSceneRect(all);
    fitInView(all, Qt::KeepAspectRatio);
}

void TopologyView::resizeEvent(QResizeEvent* event)
{
    QGraphicsView::resizeEvent(event);
    fit();
}

void TopologyView::mouseDoubleClickEvent(QMouseEvent* event)
{
    for (QGraphicsItem* item : items(event->pos()))
        if (auto* node = dynamic_cast<TopologyNodeItem*>(item)) {
            Q_EMIT nodeActivated(node->name());
            return;
        }
    QGraphicsView::mouseDoubleClickEvent(event);
}

void TopologyView::highlightNode(const QString& node, const QColor& color)
{
    if (auto* item = m_nodes.value(node))
        item->setHighlight(color);
}

void TopologyView::setArrowBroken(const QString& from, const QString& to, bool broken)
{
    const QString key = arrowKey(from, to);
    if (broken)
        m_forcedBroken.insert(key, true);
    else
        m_forcedBroken.remove(key);
    if (auto* a = m_arrows.value(key))
        a->setBroken(broken);
}

void TopologyView::showTransientLabel(const QString& node, const QString& text, int ms)
{
    if (auto* item = m_nodes.value(node))
        item->showCallout(text, ms);
}

void TopologyView::clearDrillMarks()
{
    for (auto* item : std::as_const(m_nodes))
        item->setHighlight({});
    const auto forced = m_forcedBroken.keys();
    m_forcedBroken.clear();
    for (const QString& key : forced)
        if (auto* a = m_arrows.value(key))
            a->setBroken(false); // the next setSnapshots() restores what the polls say
}

QString TopologyView::roleOf(const QString& node) const
{
    auto* item = m_nodes.value(node);
    return item ? item->role() : QString();
}

TopologyView::Health TopologyView::healthOf(const QString& node) const
{
    auto* item = m_nodes.value(node);
    return item ? Health(item->health()) : Health::Unknown;
}

bool TopologyView::hasArrow(const QString& from, const QString& to) const
{
    return m_arrows.contains(arrowKey(from, to));
}

QString TopologyView::arrowLabel(const QString& from, const QString& to) const
{
    auto* a = m_arrows.value(arrowKey(from, to));
    return a ? a->label() : QString();
}

bool TopologyView::isArrowBroken(const QString& from, const QString& to) const
{
    auto* a = m_arrows.value(arrowKey(from, to));
    return a && a->broken();
}

QPointF TopologyView::nodePos(const QString& node) const
{
    auto* item = m_nodes.value(node);
    return item ? item->pos() : QPointF();
}

} // namespace vigil::ui
