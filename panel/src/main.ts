// The full panel's entry: index.html loads it and renders <rf-app>.
import './components/rf-app.js';
