// The Lovelace card's entry (its own bundle, dist/rf-card.js).
import './components/rf-card.js';
