// --screenshot: run every job, cancel one of them midway, save the window as a PNG once all
// rows have ended and quit. What the test and the README's picture use; it works without a
// display (QT_QPA_PLATFORM=offscreen).
#pragma once

#include <QtCore/qstring.h>

class JobWindow;

/*!
    Cancels the job of row `cancelRow` once it reported a quarter of its work; once the pool
    is idle and every row has ended, grabs `window` into `file` and quits the application.
    Exit code 0 if row `cancelRow` ended cancelled midway and every other row done with a
    full bar; 1 and a message on stderr otherwise, if the file could not be written, or if
    the jobs did not end within `timeoutMs`.
*/
void saveWhenFinished(JobWindow &window, const QString &file, int cancelRow,
                      int timeoutMs = 60'000);
