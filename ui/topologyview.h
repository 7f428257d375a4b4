#pragma once

#include "monitor/nodesnapshot.h"

#include <QColor>
#include <QGraphicsView>
#include <QHash>

class QGraphicsScene;

namespace vigil::ui {

class TopologyNodeItem;
class TopologyArrowItem;

// A live picture of the cluster: pgbouncer in front of the PostgreSQL primary, WAL arrows from
// the primary to each standby labelled with replay lag, the Redis master with arrows to its
// replicas labelled with offset lag, and the Sentinels watching the master. Nodes are coloured
// by health (green up, amber up but not replicating, red down, grey not polled yet). Positions
// follow roles: after a failover the new primary / master moves to the primary's place (an
// animated move) on the next poll, with no reload.
//
// Drill API (for the failover drills, which animate this same view). All calls are cheap and
// GUI-thread only; marks survive setSnapshots() until cleared:
//   highlightNode(node, colour)          thick coloured outline; an invalid QColor removes it
//   setArrowBroken(from, to, broken)     draws that replication arrow red and dashed with a cross,
//                                        whatever the polls say, until unset
//   showTransientLabel(node, text, ms)   a callout above the node that fades after `ms`
//   clearDrillMarks()                    removes highlights, forced breaks and callouts
// Inspection (tests, drills): pgPrimary(), redisMaster(), roleOf(), healthOf(), hasArrow(),
// arrowLabel(), isArrowBroken(), nodePos().
class TopologyView : public QGraphicsView
{
    Q_OBJECT
public:
    enum class Health { Unknown, Up, Degraded, Down };

    explicit TopologyView(QWidget* parent = nullptr);
    ~TopologyView() override;

    // Declares the nodes of the profile, so they show (grey) before their first poll.
    void setNodes(const QStringList& names, const QList<NodeKind>& kinds);
    // Rebuilds roles, colours, arrows and labels from the latest snapshot of every node.
    void setSnapshots(const QList<NodeSnapshot>& snapshots);
    void clear();

    void highlightNode(const QString& node, const QColor& color);
    void setArrowBroken(const QString& from, const QString& to, bool broken);
    void showTransientLabel(const QString& node, const QString& text, int ms = 3000);
    void clearDrillMarks();

    QString pgPrimary() const { return m_pgPrimary; }
    QString redisMaster() const { return m_redisMaster; }
    QStringList nodes() const { return m_nodes.keys(); }
    QString roleOf(const QString& node) const;
    Health healthOf(const QString& node) const;
    bool hasArrow(const QString& from, const QString& to) const;
    QString arrowLabel(const QString& from, const QString& to) const;
    bool isArrowBroken(const QString& from, const QString& to) const;
    QPointF nodePos(const QString& node) const;

Q_SIGNALS:
    void nodeActivated(const QString& node);

protected:
    void resizeEvent(QResizeEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;

private:
    struct ArrowSpec
    {
        QString from, to, label;
        bool broken = false;
        bool watch = false; // a Sentinel watching, not data flowing
    };
    TopologyNodeItem* nodeItem(const QString& name, NodeKind kind);
    void layoutNodes(const QList<NodeSnapshot>& snapshots);
    void syncArrows(const QList<ArrowSpec>& arrows);
    void fit();
    static QString arrowKey(const QString& from, const QString& to) { return from + QStringLiteral("->") + to; }

    QGraphicsScene* m_scene;
    QHash<QString, TopologyNodeItem*> m_nodes;
    QHash<QString, TopologyArrowItem*> m_arrows;
    QHash<QString, bool> m_forcedBroken; // drill marks by arrow key
    QString m_pgPrimary;
    QString m_redisMaster;
};

} // namespace vigil::ui
