#include "placeholderpage.h"

#include <QLabel>
#include <QVBoxLayout>

namespace vigil::ui {

PlaceholderPage::PlaceholderPage(const QString& title, const QString& willShow, QWidget* parent)
    : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    auto* heading = new QLabel(QStringLiteral("<h2>%1</h2>").arg(title.toHtmlEscaped()), this);
    auto* body = new QLabel(tr("Not built yet. This tab will show: %1").arg(willShow), this);
    body->setWordWrap(true);
    layout->addWidget(heading);
    layout->addWidget(body);
    layout->addStretch(1);
}

} // namespace vigil::ui
