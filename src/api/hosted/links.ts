// The hosted pages' paths live in the domain, so the core (the admin API's order detail) rebuilds the same links.
export * from '../../domain/hosted-links.js';
