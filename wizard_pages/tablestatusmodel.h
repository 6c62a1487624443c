// The dashboard's table grid: one row per table of every database in a MigrationStatus (table,
// state, rows, size, percent, rate, duration, inserts/updates/deletes). A new status with the
// same tables updates the rows in place, so sorting, filtering and the selection survive.
#pragma once

#include "engine/migrationstatus.h"

#include <QAbstractTableModel>

namespace pgferry::wizard {

class TableStatusModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        DatabaseColumn,
        TableColumn,
        StateColumn,
        RowsColumn,
        SizeColumn,
        PercentColumn,
        RateColumn,
        DurationColumn,
        InsertsColumn,
        UpdatesColumn,
        DeletesColumn,
        ColumnCount
    };
    static constexpr int SortRole = Qt::UserRole;
    static constexpr int StateRole = Qt::UserRole + 1;

    using QAbstractTableModel::QAbstractTableModel;
    void setStatus(const engine::MigrationStatus &status);
    int resets() const { return m_resets; } // how often the layout changed (for tests)

    struct Row
    {
        QString database;
        engine::TableStatus table;
    };
    const Row &rowAt(int row) const { return m_rows.at(row); }
    // Shows one table in another state at once (e.g. queued again after the engine accepted a
    // retry) until the next status says otherwise. False when there is no such table.
    bool setTableState(const QString &database, const QString &qualifiedName, engine::TableState state);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<Row> m_rows;
    int m_resets = 0;
};

} // namespace pgferry::wizard
