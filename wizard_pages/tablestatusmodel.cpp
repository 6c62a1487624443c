#include "tablestatusmodel.h"

#include "format.h"
#include "icons.h"

#include <QColor>

namespace pgferry::wizard {

void TableStatusModel::setStatus(const engine::MigrationStatus &status)
{
    QList<Row> rows;
    for (const engine::DatabaseStatus &d : status.databases)
        for (const engine::TableStatus &t : d.tables)
            rows.append(Row{d.name, t});
    bool sameLayout = rows.size() == m_rows.size();
    for (qsizetype i = 0; sameLayout && i < rows.size(); ++i)
        sameLayout = rows[i].database == m_rows[i].database &&
                     rows[i].table.schema == m_rows[i].table.schema &&
                     rows[i].table.name == m_rows[i].table.name;
    if (sameLayout) {
        m_rows = std::move(rows);
        if (!m_rows.isEmpty())
            Q_EMIT dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_rows = std::move(rows);
    ++m_resets;
    endResetModel();
}

bool TableStatusModel::setTableState(const QString &database, const QString &qualifiedName,
                                     engine::TableState state)
{
    for (qsizetype i = 0; i < m_rows.size(); ++i) {
        Row &r = m_rows[i];
        if (r.database != database || r.table.qualifiedName() != qualifiedName)
            continue;
        r.table.state = state;
        if (state != engine::TableState::Failed)
            r.table.error.clear();
        Q_EMIT dataChanged(index(int(i), 0), index(int(i), ColumnCount - 1));
        return true;
    }
    return false;
}

int TableStatusModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}
int TableStatusModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TableStatusModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const Row &r = m_rows.at(index.row());
    const engine::TableStatus &t = r.table;
    const double rate = t.durationSeconds > 0 ? double(t.rowsCopied) / t.durationSeconds : 0.0;
    if (role == StateRole)
        return int(t.state);
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case DatabaseColumn:
            return r.database;
        case TableColumn:
            return t.qualifiedName();
        case StateColumn:
            return Format::tableState(t.state);
        case RowsColumn:
            return Format::count(t.rowsCopied);
        case SizeColumn:
            return Format::bytes(std::max(t.bytesCopied, t.bytesEstimated));
        case PercentColumn:
            return QStringLiteral("%1 %").arg(t.percent(), 0, 'f', 0);
        case RateColumn:
            return t.state == engine::TableState::Queued ? QString() : Format::rows(rate);
        case DurationColumn:
            return t.state == engine::TableState::Queued ? QString() : Format::duration(t.durationSeconds);
        case InsertsColumn:
            return Format::count(t.inserts);
        case UpdatesColumn:
            return Format::count(t.updates);
        case DeletesColumn:
            return Format::count(t.deletes);
        }
    } else if (role == SortRole) {
        switch (index.column()) {
        case DatabaseColumn:
            return r.database;
        case TableColumn:
            return t.qualifiedName();
        case StateColumn: {
            // Failed first, then what is moving, then what waits, then what is finished.
            static const int order[] = {/*Queued*/ 4,   /*Loading*/ 1, /*Loaded*/ 3,
                                        /*Indexing*/ 2, /*Done*/ 5,    /*Failed*/ 0};
            return order[int(t.state)];
        }
        case RowsColumn:
            return t.rowsCopied;
        case SizeColumn:
            return std::max(t.bytesCopied, t.bytesEstimated);
        case PercentColumn:
            return t.percent();
        case RateColumn:
            return rate;
        case DurationColumn:
            return t.durationSeconds;
        case InsertsColumn:
            return t.inserts;
        case UpdatesColumn:
            return t.updates;
        case DeletesColumn:
            return t.deletes;
        }
    } else if (role == Qt::DecorationRole && index.column() == StateColumn) {
        return tableStateIcon(t.state);
    } else if (role == Qt::ToolTipRole) {
        if (!t.error.isEmpty())
            return t.error;
        if (index.column() == RowsColumn && t.rowsEstimated > 0)
            return tr("%1 of about %2 row(s)", nullptr, Format::plural(t.rowsEstimated))
                .arg(Format::count(t.rowsCopied), Format::count(t.rowsEstimated));
    } else if (role == Qt::ForegroundRole && t.state == engine::TableState::Failed) {
        return QColor(0xd1, 0x34, 0x38);
    } else if (role == Qt::TextAlignmentRole && index.column() >= RowsColumn) {
        return int(Qt::AlignRight | Qt::AlignVCenter);
    }
    return {};
}

QVariant TableStatusModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case DatabaseColumn:
        return tr("Database");
    case TableColumn:
        return tr("Table");
    case StateColumn:
        return tr("State");
    case RowsColumn:
        return tr("Rows");
    case SizeColumn:
        return tr("Size");
    case PercentColumn:
        return tr("Done");
    case RateColumn:
        return tr("Rate");
    case DurationColumn:
        return tr("Duration");
    case InsertsColumn:
        return tr("Inserts");
    case UpdatesColumn:
        return tr("Updates");
    case DeletesColumn:
        return tr("Deletes");
    }
    return {};
}

} // namespace pgferry::wizard
