#include "banner.h"

#include <QApplication>
#include <QClipboard>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

namespace vigil::ui {

Banner::Banner(QWidget* parent)
    : QFrame(parent)
    , m_label(new QLabel(this))
    , m_copy(new QPushButton(tr("Copy fix SQL"), this))
{
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    m_label->setWordWrap(true);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_copy->setToolTip(tr("Copy the SQL that fixes the listed problems to the clipboard"));
    auto* layout = new QHBoxLayout(this);
    layout->addWidget(m_label, 1);
    layout->addWidget(m_copy, 0, Qt::AlignTop);
    connect(m_copy, &QPushButton::clicked, this, [this] {
        QStringList sql;
        for (const Item& i : std::as_const(m_items))
            if (!i.fixSql.isEmpty())
                sql << i.fixSql;
        QApplication::clipboard()->setText(sql.join(QLatin1Char('\n')));
    });
    hide();
}

void Banner::setItems(const QList<Item>& items)
{
    if (items.size() == m_items.size()) {
        bool same = true;
        for (int i = 0; i < items.size() && same; ++i)
            same = items[i].text == m_items[i].text && items[i].fixSql == m_items[i].fixSql;
        if (same)
            return; // unchanged: don't disturb a selection in the label
    }
    m_items = items;
    setVisible(!items.isEmpty());
    bool anyError = false, anySql = false;
    QString html;
    for (const Item& i : items) {
        anyError |= i.error;
        anySql |= !i.fixSql.isEmpty();
        html += QStringLiteral("<div>%1 %2</div>")
                    .arg(i.error ? QStringLiteral("✖") : QStringLiteral("⚠"), i.text.toHtmlEscaped());
        if (!i.fixSql.isEmpty())
            html += QStringLiteral("<pre style='margin-left:18px'>%1</pre>").arg(i.fixSql.toHtmlEscaped());
    }
    m_label->setText(html);
    m_copy->setVisible(anySql);
    QPalette pal = palette();
    const bool dark = pal.color(QPalette::Window).lightness() < 128;
    const QColor bg = anyError ? (dark ? QColor(0x5a, 0x1e, 0x1e) : QColor(0xfd, 0xe2, 0xe1))
                               : (dark ? QColor(0x5a, 0x48, 0x12) : QColor(0xff, 0xf4, 0xce));
    pal.setColor(QPalette::Window, bg);
    setPalette(pal);
}

QString Banner::text() const
{
    QStringList lines;
    for (const Item& i : m_items)
        lines << i.text + (i.fixSql.isEmpty() ? QString() : QStringLiteral("\n") + i.fixSql);
    return lines.join(QLatin1Char('\n'));
}

} // namespace vigil::ui
