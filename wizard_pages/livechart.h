// A live line chart with two series on two value axes (rows/s and MB/s, or lag seconds and
// bytes), a sliding window of the last minutes, and colours that follow the palette.
#pragma once

#include <QChartView>

class QLineSeries;
class QValueAxis;

namespace pgferry::wizard {

class LiveChart : public QChartView
{
    Q_OBJECT
public:
    LiveChart(const QString &title, const QString &leftName, const QString &rightName, QWidget *parent = nullptr);
    // x in seconds since the run started; keeps the last `window` seconds.
    void addPoint(double x, double left, double right);
    void clear();
    int pointCount() const;
    void setWindowSeconds(double s) { m_window = s; }

protected:
    void changeEvent(QEvent *e) override;

private:
    void applyPalette();
    QLineSeries *m_left;
    QLineSeries *m_right;
    QValueAxis *m_x;
    QValueAxis *m_yLeft;
    QValueAxis *m_yRight;
    double m_window = 600;
    double m_maxLeft = 1;
    double m_maxRight = 1;
};

} // namespace pgferry::wizard
