#include "tablestatusproxy.h"

#include "engine/migrationstatus.h"
#include "tablestatusmodel.h"

namespace pgferry::wizard {

TableStatusProxy::TableStatusProxy(QObject *parent) : QSortFilterProxyModel(parent)
{
    setSortRole(TableStatusModel::SortRole);
    setDynamicSortFilter(true);
}

void TableStatusProxy::setSearchText(const QString &text)
{
    m_search = text.trimmed();
    invalidateRowsFilter();
}

void TableStatusProxy::setStateFilter(StateFilter f)
{
    m_state = f;
    invalidateRowsFilter();
}

bool TableStatusProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QAbstractItemModel *m = sourceModel();
    using engine::TableState;
    const auto state = TableState(m->index(sourceRow, TableStatusModel::StateColumn, sourceParent)
                                      .data(TableStatusModel::StateRole)
                                      .toInt());
    switch (m_state) {
    case StateFilter::All:
        break;
    case StateFilter::Failed:
        if (state != TableState::Failed)
            return false;
        break;
    case StateFilter::InProgress:
        if (state != TableState::Loading && state != TableState::Loaded && state != TableState::Indexing)
            return false;
        break;
    case StateFilter::Queued:
        if (state != TableState::Queued)
            return false;
        break;
    case StateFilter::Done:
        if (state != TableState::Done)
            return false;
        break;
    }
    if (m_search.isEmpty())
        return true;
    return m->index(sourceRow, TableStatusModel::TableColumn, sourceParent)
               .data()
               .toString()
               .contains(m_search, Qt::CaseInsensitive) ||
           m->index(sourceRow, TableStatusModel::DatabaseColumn, sourceParent)
               .data()
               .toString()
               .contains(m_search, Qt::CaseInsensitive);
}

} // namespace pgferry::wizard
