#pragma once

#include <QWidget>

namespace vigil::ui {

// A tab whose capability is not built yet: says what it will show. Shows no figures, so nothing
// on screen is invented.
class PlaceholderPage : public QWidget
{
    Q_OBJECT
public:
    PlaceholderPage(const QString& title, const QString& willShow, QWidget* parent = nullptr);
};

} // namespace vigil::ui
