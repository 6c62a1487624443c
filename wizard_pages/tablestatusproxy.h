// Sorting and filtering for the dashboard's table grid: a search text over database and table
// names, and a state filter (all, failed, in progress, queued, done).
#pragma once

#include <QSortFilterProxyModel>

namespace pgferry::wizard {

class TableStatusProxy : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    enum class StateFilter { All, Failed, InProgress, Queued, Done };
    explicit TableStatusProxy(QObject *parent = nullptr);
    void setSearchText(const QString &text);
    void setStateFilter(StateFilter f);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QString m_search;
    StateFilter m_state = StateFilter::All;
};

} // namespace pgferry::wizard
