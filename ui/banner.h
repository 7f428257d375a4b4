#pragma once

#include <QFrame>

class QLabel;
class QPushButton;

namespace vigil::ui {

// The in-place notice above a page: nodes that are down, missing extensions or privileges, each
// with the SQL that fixes it. Never a modal box; it disappears when the condition clears.
class Banner : public QFrame
{
    Q_OBJECT
public:
    struct Item
    {
        QString text;
        QString fixSql; // empty when there is nothing to run
        bool error = true; // red for a failure, amber for a missing feature
    };

    explicit Banner(QWidget* parent = nullptr);
    void setItems(const QList<Item>& items);
    QList<Item> items() const { return m_items; }
    QString text() const;

private:
    QList<Item> m_items;
    QLabel* m_label;
    QPushButton* m_copy;
};

} // namespace vigil::ui
