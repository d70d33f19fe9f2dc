// lessons.js: the browser half of the Lessons panel (web/lessons.h): the "Load lesson..." file
// picker, lesson files dropped on the page (data.js routes them here), and the lesson API on
// window.cnnSandbox:
//   openLesson(nameOrText)  a built-in (or host-added) lesson by name, set up in the lab; or a
//                           lesson file's text. {ok, message, lesson}
//   lessonProgress()        {lessons: [{name, title, notes, exercises, answered, correct, completed}],
//                            completed: [names], open}
//   lessonState()           the open lesson as the panel shows it (tests, the text view)
// When an exercise is answered or a lesson completed, the page calls
// window.cnnSandboxEvent('exercise', {lesson, exercise, correct}) and
// window.cnnSandboxEvent('lessonCompleted', {lesson}) where a course page's embed API set it.
'use strict';
(function () {
  const S = window.cnnSandbox;
  if (!S) throw new Error('lessons.js needs api.js (window.cnnSandbox) loaded first');
  const call = S.call, json = S.callJson;
  const MAX_LESSON_BYTES = 64 * 1024;

  function openText(text, fileName) {
    return json('cnn_lessons_open', ['string', 'string'], [String(text), String(fileName || '')]);
  }
  async function loadFile(f) {
    if (!S.ready()) return { ok: false, message: 'the lab is still loading' };
    // the parser refuses a file over 64 KiB with its size; one over 16 MiB is not even read
    if (f.size > 256 * MAX_LESSON_BYTES) return { ok: false, message: f.name + ' is ' + f.size + ' bytes: a lesson has at most ' + MAX_LESSON_BYTES };
    return openText(await f.text(), f.name);
  }
  const pickFile = S.filePicker('lesson-file-input', '.txt,.lesson,text/plain', loadFile);
  window.cnnLessons = { pickFile, loadFile };

  Object.assign(S, {
    openLesson: (nameOrText) => openText(nameOrText, ''),
    lessonProgress: () => json('cnn_lessons_progress'),
    lessonState: () => json('cnn_lessons_state'),
  });
})();
