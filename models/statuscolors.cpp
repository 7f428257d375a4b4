#include "statuscolors.h"

#include <QGuiApplication>
#include <QHash>
#include <QPainter>
#include <QPixmap>

namespace vigil {

StatusLevel statusFromString(const QString& status)
{
    if (status == QLatin1String("ok"))
        return StatusLevel::Ok;
    if (status == QLatin1String("warn"))
        return StatusLevel::Warn;
    if (status == QLatin1String("fail"))
        return StatusLevel::Fail;
    return StatusLevel::Unknown;
}

bool isDarkPalette(const QPalette& palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

QColor statusColor(StatusLevel status, const QPalette& palette)
{
    const bool dark = isDarkPalette(palette);
    switch (status) {
    case StatusLevel::Ok:
        return dark ? QColor(0x5c, 0xc9, 0x8a) : QColor(0x1e, 0x7d, 0x43);
    case StatusLevel::Warn:
        return dark ? QColor(0xf0, 0xb0, 0x40) : QColor(0xa0, 0x5a, 0x00);
    case StatusLevel::Fail:
        return dark ? QColor(0xff, 0x7b, 0x72) : QColor(0xc6, 0x28, 0x28);
    case StatusLevel::Unknown:
        break;
    }
    return palette.color(QPalette::Disabled, QPalette::Text);
}

QColor statusColor(StatusLevel status)
{
    return statusColor(status, QGuiApplication::palette());
}

QBrush statusBrush(StatusLevel status)
{
    return {statusColor(status)};
}

QIcon statusIcon(StatusLevel status)
{
    // Views ask for the icon on every paint: draw each (status, palette lightness) once.
    static QHash<int, QIcon> cache;
    const int key = int(status) * 2 + int(isDarkPalette(QGuiApplication::palette()));
    if (const auto it = cache.constFind(key); it != cache.constEnd())
        return *it;
    const QColor color = statusColor(status);
    QIcon icon;
    for (const int size : {16, 24, 32, 48}) {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter p(&pixmap);
        p.setRenderHint(QPainter::Antialiasing);
        p.setPen(QPen(color.darker(130), size / 16.0));
        p.setBrush(color);
        const qreal inset = size * 0.2;
        p.drawEllipse(QRectF(inset, inset, size - 2 * inset, size - 2 * inset));
        p.end();
        icon.addPixmap(pixmap);
    }
    cache.insert(key, icon);
    return icon;
}

} // namespace vigil
