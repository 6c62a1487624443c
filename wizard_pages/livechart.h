// A live line chart with series on two value axes (rows/s, changes/s and MB/s, or lag seconds and
// bytes), a sliding window of the last minutes, axes ticked at round values (1, 2 or 5 × 10^n)
// whose labels carry the decimals they need and are never cut short, and colours that follow the
// palette.
#pragma once

#include <QChartView>
#include <QColor>
#include <QList>

class QLineSeries;
class QValueAxis;

namespace pgferry::wizard {

class LiveChart : public QChartView
{
    Q_OBJECT
public:
    enum class Axis { Left, Right };
    // The ticks of an axis from 0 to at least `max`: `count` ticks `step` apart (1, 2 or 5 × 10^n),
    // at most `maxTicks` of them, labelled with `decimals` decimals.
    struct Ticks
    {
        double step = 1;
        double max = 1;
        int count = 2;
        int decimals = 0;
    };
    static Ticks niceTicks(double max, int maxTicks = 6);
    // The smallest 1, 2 or 5 × 10^n that is at least `v`, and the decimals it needs.
    static double niceStep(double v, int *decimals = nullptr);

    // Two series: `leftName` on the left axis, `rightName` on the right one.
    LiveChart(const QString &title, const QString &leftName, const QString &rightName,
              QWidget *parent = nullptr);
    // Another series on `axis`; addPoint takes its value after those of the series before it.
    void addSeries(const QString &name, Axis axis, const QColor &color);
    // x in seconds since the run started; keeps the last `window` seconds.
    void addPoint(double x, double left, double right);
    void addPoint(double x, const QList<double> &values); // one value per series, in order
    void clear();
    int pointCount() const;
    void setWindowSeconds(double s) { m_window = s; }

    int seriesCount() const { return int(m_lines.size()); }
    QLineSeries *series(int i) const { return m_lines.at(i).series; }
    QValueAxis *axis(Axis a) const { return a == Axis::Left ? m_yLeft : m_yRight; }
    QValueAxis *timeAxis() const { return m_x; }

protected:
    void changeEvent(QEvent *e) override;

private:
    struct Line
    {
        QLineSeries *series;
        Axis axis;
        QColor color;
    };
    void applyPalette();
    void applyValueRanges();
    void setValueRange(QValueAxis *axis, double max);
    void setTimeRange(double from, double to);
    int ticksThatFit() const;
    QList<Line> m_lines;
    QValueAxis *m_x;
    QValueAxis *m_yLeft;
    QValueAxis *m_yRight;
    double m_window = 600;
    double m_maxLeft = 0; // the highest point of the left axis' series
    double m_maxRight = 0;
    int m_maxTicks = 6; // as many as the plot's height holds without labels hiding each other
};

} // namespace pgferry::wizard
