#include "topologyitems.h"

#include "models/statuscolors.h"

#include <QApplication>
#include <QFontMetricsF>
#include <QGraphicsScene>
#include <QGraphicsSimpleTextItem>
#include <QPainter>
#include <QPropertyAnimation>
#include <QTimer>
#include <QWidget>
#include <QtMath>

namespace vigil::ui {

namespace {
QColor kindColor(NodeKind kind)
{
    switch (kind) {
    case NodeKind::Postgres:
        return QColor(0x33, 0x67, 0x91); // PostgreSQL blue
    case NodeKind::PgBouncer:
        return QColor(0x5a, 0x5a, 0x8c);
    case NodeKind::Redis:
        return QColor(0xa4, 0x1e, 0x11); // Redis red
    case NodeKind::Sentinel:
        return QColor(0x7a, 0x4a, 0x1e);
    }
    return Qt::gray;
}
} // namespace

TopologyNodeItem::TopologyNodeItem(QString name, NodeKind kind)
    : m_name(std::move(name))
    , m_kind(kind)
    , m_fill(0xe6, 0xe6, 0xe6)
{
    setZValue(1);
    setAcceptHoverEvents(true);
}

QRectF TopologyNodeItem::boundingRect() const
{
    return QRectF(-kWidth / 2 - 4, -kHeight / 2 - 4, kWidth + 8, kHeight + 8);
}

void TopologyNodeItem::paint(QPainter* p, const QStyleOptionGraphicsItem*, QWidget*)
{
    p->setRenderHint(QPainter::Antialiasing);
    const QRectF box(-kWidth / 2, -kHeight / 2, kWidth, kHeight);
    if (m_highlight.isValid()) {
        p->setPen(QPen(m_highlight, 5));
        p->setBrush(Qt::NoBrush);
        p->drawRoundedRect(box.adjusted(-2, -2, 2, 2), 9, 9);
    }
    p->setPen(QPen(kindColor(m_kind), 2));
    p->setBrush(m_fill);
    p->drawRoundedRect(box, 8, 8);
    QFont f = p->font();
    f.setBold(true);
    p->setFont(f);
    p->setPen(Qt::black);
    p->drawText(box.adjusted(6, 4, -6, 0), Qt::AlignHCenter | Qt::AlignTop, m_name);
    f.setBold(false);
    p->setFont(f);
    const QString kind = kindName(m_kind);
    p->drawText(box.adjusted(6, 22, -6, 0), Qt::AlignHCenter | Qt::AlignTop,
                m_role.compare(kind, Qt::CaseInsensitive) == 0 ? kind : QStringLiteral("%1 %2").arg(kind, m_role));
    p->setPen(QColor(0x44, 0x44, 0x44));
    const QFontMetricsF fm(f);
    p->drawText(box.adjusted(6, 40, -6, 0), Qt::AlignHCenter | Qt::AlignTop,
                fm.elidedText(m_detail, Qt::ElideRight, kWidth - 12));
}

void TopologyNodeItem::setState(const QString& role, const QString& detail, const QColor& fill, int health)
{
    if (role == m_role && detail == m_detail && fill == m_fill && health == m_health)
        return;
    m_role = role;
    m_detail = detail;
    m_fill = fill;
    m_health = health;
    setToolTip(QStringLiteral("%1 (%2): %3").arg(m_name, role, detail));
    update();
}

void TopologyNodeItem::setHighlight(const QColor& color)
{
    m_highlight = color;
    update();
}

void TopologyNodeItem::moveTo(const QPointF& target)
{
    if (!m_placed) {
        m_placed = true;
        setPos(target);
        return;
    }
    if (m_move && m_move->endValue().toPointF() == target)
        return;
    if (!m_move && pos() == target)
        return;
    if (m_move)
        m_move->stop();
    auto* a = new QPropertyAnimation(this, "pos", this);
    a->setDuration(400);
    a->setEasingCurve(QEasingCurve::InOutCubic);
    a->setEndValue(target);
    m_move = a;
    a->start(QAbstractAnimation::DeleteWhenStopped);
}

void TopologyNodeItem::showCallout(const QString& text, int ms)
{
    auto* label = new QGraphicsSimpleTextItem(text, this);
    QFont f = label->font();
    f.setBold(true);
    label->setFont(f);
    label->setBrush(statusColor(StatusLevel::Warn)); // readable on the light and the dark palette
    const QRectF r = label->boundingRect();
    label->setPos(-r.width() / 2, -kHeight / 2 - r.height() - 6);
    label->setZValue(3);
    // The label is a child of this item: it goes with the node, or after `ms`.
    QTimer::singleShot(ms, this, [label] { delete label; });
}

TopologyArrowItem::TopologyArrowItem(TopologyNodeItem* from, TopologyNodeItem* to, bool watch)
    : m_from(from)
    , m_to(to)
    , m_watch(watch)
{
    setZValue(watch ? -1 : 0);
    adjust();
}

void TopologyArrowItem::adjust()
{
    // From box edge to box edge, so the arrow head stays visible.
    const QPointF a = m_from->pos(), b = m_to->pos();
    QLineF line(a, b);
    if (line.length() < 1) {
        prepareGeometryChange();
        m_line = QLineF();
        return;
    }
    auto edge = [](const QPointF& c, const QPointF& toward) {
        const QPointF d = toward - c;
        const qreal sx = std::abs(d.x()) > 0 ? (TopologyNodeItem::kWidth / 2 + 2) / std::abs(d.x()) : 1e9;
        const qreal sy = std::abs(d.y()) > 0 ? (TopologyNodeItem::kHeight / 2 + 2) / std::abs(d.y()) : 1e9;
        return c + d * std::min({sx, sy, 1.0});
    };
    prepareGeometryChange();
    m_line = QLineF(edge(a, b), edge(b, a));
}

QRectF TopologyArrowItem::boundingRect() const
{
    return QRectF(m_line.p1(), m_line.p2()).normalized().adjusted(-12, -12, 12, 12)
        | labelRect().adjusted(-2, -2, 2, 2);
}

void TopologyArrowItem::setLabel(const QString& label)
{
    if (label == m_label)
        return;
    prepareGeometryChange(); // the label is part of the bounding rect
    m_label = label;
    update();
}

void TopologyArrowItem::setBroken(bool broken)
{
    if (broken == m_broken)
        return;
    prepareGeometryChange();
    m_broken = broken;
    update();
}

QRectF TopologyArrowItem::labelRect() const
{
    if (m_label.isEmpty() || m_line.isNull())
        return {};
    const QFontMetricsF fm(QApplication::font());
    QRectF r = fm.boundingRect(m_label).adjusted(-4, -2, 4, 2);
    r.moveCenter(m_line.pointAt(0.5) + QPointF(0, m_broken ? 16 : 0));
    return r;
}

void TopologyArrowItem::paint(QPainter* p, const QStyleOptionGraphicsItem*, QWidget* widget)
{
    if (m_line.isNull())
        return;
    p->setRenderHint(QPainter::Antialiasing);
    // Lines are drawn on the view's background: take their colour from its palette, so they
    // stay visible on the dark palette too.
    const QPalette pal = widget ? widget->palette() : QApplication::palette();
    QColor color = pal.color(QPalette::WindowText);
    if (m_watch) {
        color = isDarkPalette(pal) ? QColor(0xd0, 0x9a, 0x60) : QColor(0x7a, 0x4a, 0x1e);
        color.setAlpha(150);
    }
    if (m_broken)
        color = statusColor(StatusLevel::Fail, pal);
    QPen pen(color, m_watch ? 1.2 : 2.2);
    if (m_watch)
        pen.setStyle(Qt::DotLine);
    if (m_broken)
        pen.setStyle(Qt::DashLine);
    p->setPen(pen);
    p->drawLine(m_line);
    if (!m_watch) {
        // Arrow head at the receiving end.
        const qreal angle = std::atan2(-m_line.dy(), m_line.dx());
        const QPointF tip = m_line.p2();
        const qreal size = 10;
        const QPointF l = tip - QPointF(std::cos(angle - M_PI / 7) * size, -std::sin(angle - M_PI / 7) * size);
        const QPointF r = tip - QPointF(std::cos(angle + M_PI / 7) * size, -std::sin(angle + M_PI / 7) * size);
        p->setBrush(color);
        p->setPen(QPen(color, 1));
        p->drawPolygon(QPolygonF({tip, l, r}));
    }
    const QPointF mid = m_line.pointAt(0.5);
    if (m_broken) {
        p->setPen(QPen(color, 3));
        p->drawLine(mid + QPointF(-7, -7), mid + QPointF(7, 7));
        p->drawLine(mid + QPointF(-7, 7), mid + QPointF(7, -7));
    }
    if (!m_label.isEmpty()) {
        const QRectF r = labelRect();
        p->setPen(Qt::NoPen);
        p->setBrush(QColor(255, 255, 255, 225));
        p->drawRoundedRect(r, 3, 3);
        p->setPen(m_broken ? color : QColor(0x20, 0x20, 0x20));
        p->drawText(r, Qt::AlignCenter, m_label);
    }
}

} // namespace vigil::ui
