// Images resolve to their name under jsdom.
module.exports = 'test-file-stub';
