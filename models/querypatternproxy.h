#pragma once

#include <QSortFilterProxyModel>

namespace vigil {

// Sorts Query patterns on their numeric sort role and filters by text, statement type,
// database and user; Vigil's own statements are hidden unless asked for.
class QueryPatternProxy : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit QueryPatternProxy(QObject* parent = nullptr);

    void setText(const QString& text);
    void setKind(int kind); // -1: any, else StatementKind as int
    void setDatabase(const QString& database); // empty: any
    void setUser(const QString& user); // empty: any
    void setShowVigil(bool show);
    void setSlowOnly(bool slow); // only patterns whose mean is over the model's slow threshold

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QString m_text;
    int m_kind = -1;
    QString m_database;
    QString m_user;
    bool m_showVigil = false;
    bool m_slowOnly = false;
};

} // namespace vigil
