#pragma once

#include "monitor/nodesnapshot.h"

#include <QColor>
#include <QGraphicsObject>
#include <QPointer>

class QPropertyAnimation;

namespace vigil::ui {

// One server in the topology picture: a rounded box with the node name, its role and a detail
// line, filled by health. A QGraphicsObject so moves (role changes) and drill callouts animate.
class TopologyNodeItem : public QGraphicsObject
{
    Q_OBJECT
public:
    static constexpr qreal kWidth = 172;
    static constexpr qreal kHeight = 62;

    TopologyNodeItem(QString name, NodeKind kind);

    QRectF boundingRect() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

    const QString& name() const { return m_name; }
    NodeKind kind() const { return m_kind; }
    void setState(const QString& role, const QString& detail, const QColor& fill, int health);
    int health() const { return m_health; }
    const QString& role() const { return m_role; }
    void setHighlight(const QColor& color);
    // Moves to `target`, animated when the item was already placed.
    void moveTo(const QPointF& target);
    void showCallout(const QString& text, int ms);

private:
    QString m_name;
    NodeKind m_kind;
    QString m_role;
    QString m_detail;
    QColor m_fill;
    QColor m_highlight;
    int m_health = 0;
    bool m_placed = false;
    QPointer<QPropertyAnimation> m_move;
};

// A replication arrow between two node items (or a Sentinel's dotted "watching" line), with a
// label at its middle. Follows its nodes when they move.
class TopologyArrowItem : public QGraphicsItem
{
public:
    TopologyArrowItem(TopologyNodeItem* from, TopologyNodeItem* to, bool watch);

    QRectF boundingRect() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

    void adjust();
    // Where the label is drawn (scene coordinates; the item sits at the origin).
    QRectF labelRect() const;
    void setLabel(const QString& label);
    void setBroken(bool broken);
    const QString& label() const { return m_label; }
    bool broken() const { return m_broken; }
    TopologyNodeItem* from() const { return m_from; }
    TopologyNodeItem* to() const { return m_to; }

private:
    TopologyNodeItem* m_from;
    TopologyNodeItem* m_to;
    bool m_watch;
    bool m_broken = false;
    QString m_label;
    QLineF m_line;
};

} // namespace vigil::ui
